"""Feedback never shows hidden tests: the HideHiddenTests preprocessor, then real nbgrader."""

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.build import add_nbgrader_metadata, scratch_course
from autograder.grading.preprocessors import HIDDEN_CODE, HIDDEN_TEXT, HideHiddenTests
from autograder.nbgrader_cli import nbgrader

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def hide(*cells):
    nb, _ = HideHiddenTests().preprocess(new_notebook(cells=list(cells)), {})
    return nb.cells


def test_one_section_is_replaced_by_the_marker_comment():
    (cell,) = hide(new_code_cell(f"visible()\n{BEGIN}\nsecret()\n{END}\nafter()"))
    assert cell.source == f"visible()\n{HIDDEN_CODE}\nafter()"


def test_two_sections_each_leave_one_marker():
    source = f"a()\n{BEGIN}\nsecret1()\n{END}\nb()\n{BEGIN}\nsecret2()\n{END}"
    (cell,) = hide(new_code_cell(source))
    assert cell.source == f"a()\n{HIDDEN_CODE}\nb()\n{HIDDEN_CODE}"


def test_indented_markers_keep_their_indentation():
    source = f"if True:\n    a()\n    {BEGIN}\n    secret()\n        {END}\n    b()"
    (cell,) = hide(new_code_cell(source))
    assert cell.source == f"if True:\n    a()\n    {HIDDEN_CODE}\n    b()"


def test_begin_without_end_hides_the_rest_of_the_cell():
    (cell,) = hide(new_code_cell(f"a()\n{BEGIN}\nsecret()\nmore_secret()"))
    assert cell.source == f"a()\n{HIDDEN_CODE}"


def test_markdown_cell_gets_a_text_marker():
    (cell,) = hide(new_markdown_cell(f"Answer:\n{BEGIN}\nsecret\n{END}"))
    assert cell.source == f"Answer:\n{HIDDEN_TEXT}"


def test_error_traceback_is_cut_to_its_last_line_and_outputs_stay():
    printed = new_output("stream", name="stdout", text="visible check passed\n")
    error = new_output(
        "error",
        ename="AssertionError",
        evalue="expected 3, got 2",
        traceback=["\x1b[0;31mAssertionError\x1b[0m", "----> 3 secret()", "AssertionError: …"],
    )
    cell = new_code_cell(f"a()\n{BEGIN}\nsecret()\n{END}", outputs=[printed, error])
    (cell,) = hide(cell)
    assert "secret" not in cell.source
    assert cell.outputs[0] == printed
    assert cell.outputs[1].traceback == ["AssertionError: expected 3, got 2"]
    assert cell.outputs[1].evalue == "expected 3, got 2"


def tiny_notebook():
    """One answer cell and one test cell (1 point) whose hidden part checks ``add(1, 2)``."""
    answer = new_code_cell(
        "def add(a, b):\n    ### BEGIN SOLUTION\n    return a + b\n    ### END SOLUTION",
        metadata={"grade_id": "add", "solution": True},
    )
    test = new_code_cell(
        "print('visible check: add(0, 0) ==', add(0, 0))\n"
        f"{BEGIN}\n"
        "SECRET_HIDDEN_CHECK_42 = 1\n"
        "got = add(1, 2)\n"
        "assert got == 3, f'expected 3, got {got}'\n"
        f"{END}",
        metadata={"grade_id": "add_test", "points": 1},
    )
    nb = new_notebook(cells=[answer, test])
    nb.metadata.kernelspec = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return add_nbgrader_metadata(nb)


def test_feedback_html_shows_outputs_but_not_hidden_tests(tmp_path, root):
    scratch_course(tmp_path, root, ())
    (tmp_path / "source" / "ps1").mkdir(parents=True)
    nbformat.write(tiny_notebook(), tmp_path / "source" / "ps1" / "p.ipynb")
    nbgrader("generate_assignment", "ps1", "--force", course=tmp_path, timeout=120)

    released = nbformat.read(tmp_path / "release" / "ps1" / "p.ipynb", as_version=4)
    released.cells[0].source = "def add(a, b):\n    return a * b  # wrong: add(1, 2) == 2"
    (tmp_path / "submitted" / "s1" / "ps1").mkdir(parents=True)
    nbformat.write(released, tmp_path / "submitted" / "s1" / "ps1" / "p.ipynb")
    nbgrader("autograde", "ps1", "--create", "--force", course=tmp_path, timeout=120)
    nbgrader("generate_feedback", "ps1", "--force", course=tmp_path, timeout=120)

    html = (tmp_path / "feedback" / "s1" / "ps1" / "p.html").read_text()
    assert "SECRET_HIDDEN_CHECK_42" not in html
    assert "visible check: add(0, 0) == 0" in html
    assert "expected 3, got 2" in html
    assert "hidden tests: not shown in feedback" in html
    assert "Score: 0.0 / 1.0" in html
