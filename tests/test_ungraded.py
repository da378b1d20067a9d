"""Cells tagged skip-grading: what the build refuses, and what grading may leave unrun."""

import nbformat
import pytest

from autograder.build.ungraded import SKIP_TAG, check_skip_tags, loaded_names, skipped_cells
from autograder.grading.judge import learner_cells

FIGURE = "fig = plot(curve)\nfig.savefig('curve.png')"


def code(source, tagged=False, grade_id=None, solution=False):
    cell = nbformat.v4.new_code_cell(source)
    if tagged:
        cell.metadata.tags = [SKIP_TAG]
    if grade_id:
        graded = not solution
        cell.metadata.nbgrader = {
            "grade": graded,
            "grade_id": grade_id,
            "locked": graded,
            "schema_version": 3,
            "solution": solution,
            "task": False,
            **({"points": 1} if graded else {}),
        }
    return cell


def notebook(*cells):
    nb = nbformat.v4.new_notebook()
    nb.cells = list(cells)
    return nb


def lesson(*middle):
    """A lesson: imports, the given cells, an answer cell and its test."""
    return notebook(
        code("import torch\nfrom lessonkit import plot"),
        *middle,
        code("class Flatten:\n    pass", grade_id="flatten", solution=True),
        code("check(Flatten)", grade_id="flatten_test"),
    )


def as_bytes(nb):
    return nbformat.writes(nb).encode()


@pytest.mark.parametrize(
    "later",
    [
        "print(fig)",  # reads it
        "fig.clear()",  # an attribute of it
        "def redraw():\n    return fig",  # inside a function, read when called
        "sizes = [fig.dpi for _ in range(3)]",  # inside a comprehension
        "for axis in fig.axes:\n    print(axis)",  # in a loop's body
        "fig += 1",  # an augmented assignment reads first
        "print(eval('fig'))",  # a name the syntax tree cannot see
        "%time print(fig)",  # a magic, read as the call IPython makes of it
    ],
)
def test_the_build_refuses_a_tag_on_a_cell_whose_names_a_later_untagged_cell_reads(later):
    with pytest.raises(ValueError, match=SKIP_TAG):
        check_skip_tags(lesson(code(FIGURE, tagged=True), code(later)), "lesson")


@pytest.mark.parametrize(
    "later",
    [
        "fig = plot(other)\nprint(fig)",  # binds its own before reading
        "for fig in figures:\n    print(fig)",  # the loop binds it
        "with open('f') as fig:\n    print(fig)",  # the with binds it
        "sizes = [fig for fig in range(3)]",  # a comprehension's own variable
        "def draw(fig):\n    return fig",  # a parameter
        "print(curve)",  # reads something the tagged cell does not bind
    ],
)
def test_the_build_accepts_a_tag_when_no_later_cell_reads_the_cells_names(later):
    check_skip_tags(lesson(code(FIGURE, tagged=True), code(later)), "lesson")


def test_tagged_cells_may_feed_each_other_but_not_an_untagged_cell():
    chain = [code("data = make()", tagged=True), code("plot(data)", tagged=True)]
    check_skip_tags(lesson(*chain), "lesson")
    with pytest.raises(ValueError, match="data"):
        check_skip_tags(lesson(*chain, code("print(data.mean())")), "lesson")


@pytest.mark.parametrize(
    "cell",
    [
        code("class Flatten:\n    pass", tagged=True, grade_id="flatten", solution=True),
        code("check(Flatten)", tagged=True, grade_id="flatten_test"),
        code("from helpers import *", tagged=True),  # binds names no one can list
    ],
)
def test_the_build_refuses_a_tag_on_a_graded_cell_or_one_whose_names_are_unknown(cell):
    with pytest.raises(ValueError, match=SKIP_TAG):
        check_skip_tags(notebook(code("import torch"), cell), "lesson")


def test_the_checks_star_import_of_a_test_cell_reads_nothing():
    assert loaded_names("from autograder.checks import *\ncheck(Flatten)") == {"check", "Flatten"}


def test_grading_skips_an_unchanged_tagged_cell_and_the_judge_skips_the_same_one():
    source = lesson(code(FIGURE, tagged=True), code("print('kept')"))
    skipped = skipped_cells(source, as_bytes(source))
    assert skipped == {FIGURE}
    cells = learner_cells(source, skipped)
    assert FIGURE not in cells and "print('kept')" in cells


@pytest.mark.parametrize(
    "change",
    [
        # the learner edited the tagged cell: it is their code now, and runs
        lambda nb: setattr(nb.cells[1], "source", FIGURE + "\nfig.dpi = 300"),
        # the learner's answer reads a name the tagged cell binds
        lambda nb: setattr(nb.cells[3], "source", "class Flatten:\n    size = fig.dpi"),
        # the learner's own cell reads it
        lambda nb: nb.cells.insert(3, code("print(fig)")),
        # the learner's cell reads names in a way no syntax tree shows
        lambda nb: nb.cells.insert(3, code("print(globals()['fig'])")),
    ],
)
def test_grading_runs_a_tagged_cell_whose_names_the_submission_may_read(change):
    source = lesson(code(FIGURE, tagged=True))
    submission = nbformat.from_dict(source)
    change(submission)
    assert skipped_cells(source, as_bytes(submission)) == frozenset()


def test_a_chain_of_tagged_cells_runs_whole_when_the_learner_reads_its_end():
    chain = [code("data = make()", tagged=True), code("summary = data.mean()", tagged=True)]
    source = lesson(*chain)
    assert skipped_cells(source, as_bytes(source)) == {c.source for c in chain}
    submission = nbformat.from_dict(source)
    submission.cells[3].source = "class Flatten:\n    mean = summary"
    assert skipped_cells(source, as_bytes(submission)) == frozenset()


def test_a_submission_cannot_choose_what_is_skipped():
    source = lesson(code("print('a lesson cell')"))
    submission = nbformat.from_dict(source)
    for cell in submission.cells:
        cell.metadata.tags = [SKIP_TAG]  # the learner tags everything, tests included
    assert skipped_cells(source, as_bytes(submission)) == frozenset()
    assert skipped_cells(source, b"{not json") == frozenset()


def test_the_chapters_tags_pass_the_build_check(root):
    for path in sorted((root / "source").glob("*/*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        check_skip_tags(nb, path.name)
        assert skipped_cells(nb, path.read_bytes()) == {
            c.source for c in nb.cells if SKIP_TAG in c.metadata.get("tags", [])
        }
