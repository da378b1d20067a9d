"""The full nbgrader cycle on the sample class: autograde, feedback, export, report."""

import shutil

import nbformat
import pytest
from nbgrader.utils import is_solution

from autograder import grading
from autograder.build import scratch_course
from autograder.build.exercises import exercise_of
from autograder.build.ungraded import SKIP_TAG
from autograder.grading.sample_class import BOB_BUGS, reference_answers, write_sample_class

WARNS = """
_Quiet = {name}


class {name}(_Quiet):
    def forward(self, *args, **kwargs):
        torch.tensor(torch.ones(1))  # torch warns on stderr about copy-constructing a tensor
        return super().forward(*args, **kwargs)
"""

FUNCTION_WARNS = """
_Quiet = {name}


class {name}(_Quiet):
    @staticmethod
    def forward(ctx, *args, _quiet=_Quiet):  # bound now: a later cell rebinds _Quiet
        torch.tensor(torch.ones(1))
        return _quiet.forward(ctx, *args)
"""


@pytest.fixture(scope="module")
def graded(tmp_path_factory, root):
    """The sample class, plus eve whose layers print torch warnings, graded in a scratch course."""
    course = tmp_path_factory.mktemp("course")
    scratch_course(course, root)
    write_sample_class(course, root)
    for source in sorted((root / "source").glob("*/*.ipynb")):
        ada = course / "submitted" / "ada" / source.parent.name / source.name
        eve = course / "submitted" / "eve" / source.parent.name / source.name
        eve.parent.mkdir(parents=True)
        nb = nbformat.read(ada, as_version=4)
        for cell in nb.cells:
            line = class_line(cell.source)
            if is_solution(cell) and line:
                name = line.split()[1].split("(")[0]
                wrapper = FUNCTION_WARNS if "autograd.Function" in line else WARNS
                cell.source += "\n" + wrapper.format(name=name)
        nbformat.write(nb, eve)
    outcomes = grading.grade(course)
    grading.feedback(course)
    grading.export(course)
    return course, outcomes


def class_line(code):
    """The first line of a cell that starts a class, or None."""
    return next((line for line in code.splitlines() if line.startswith("class ")), None)


def assignments(root):
    return sorted(p.name for p in (root / "source").iterdir())


def test_reference_solutions_earn_full_marks(graded, root):
    course, _ = graded
    for assignment in assignments(root):
        for student in ("ada", "eve"):
            marks = grading.scores(course, assignment)[student]
            lost = {cell: s for cell, s in marks.items() if s[0] != s[1]}
            assert not lost, f"{student} lost points in {assignment}: {lost}"


def test_each_typical_bug_costs_its_exercise(graded, root):
    course, _ = graded
    for assignment in assignments(root):
        marks = grading.scores(course, assignment)["bob"]
        by_exercise = {}
        for cell, (score, max_score) in marks.items():
            by_exercise.setdefault(exercise_of(cell), []).append((cell, score, max_score))
        for name, parts in by_exercise.items():
            if name in BOB_BUGS.get(assignment, {}):  # every part at 0 or full, at least one 0
                assert all(score in (0, top) for _, score, top in parts), f"bob's {name}: {parts}"
                assert any(score == 0 for _, score, _ in parts), f"bob's {name}: {parts}"
            else:
                assert all(score == top for _, score, top in parts), f"bob's {name}: {parts}"


def test_untouched_release_scores_zero(graded, root):
    course, _ = graded
    for assignment in assignments(root):
        marks = grading.scores(course, assignment)["cy"]
        assert marks and sum(score for score, _ in marks.values()) == 0


def test_broken_notebook_is_reported_and_others_are_graded(graded):
    course, outcomes = graded
    by_student = {o.student: o for o in outcomes}
    assert not by_student["dee"].graded
    assert "is not valid JSON" in by_student["dee"].reason
    assert all(by_student[s].graded for s in ("ada", "bob", "cy", "eve"))


def test_feedback_export_and_report(graded, root):
    course, outcomes = graded
    for student in ("ada", "bob", "cy"):
        assert list((course / "feedback" / student).rglob("*.html")), student
    csv = (course / "grades.csv").read_text()
    assert all(student in csv for student in ("ada", "bob", "cy"))
    for assignment in assignments(root):
        text = grading.report(course, assignment, outcomes)
        assert "dee: NOT GRADED" in text and "ada: feedback in" in text


def test_lesson_cells_tagged_skip_grading_are_not_run_and_change_no_score(graded, tmp_path, root):
    course, _ = graded
    assignment = "01_norms"
    source = next((root / "source" / assignment).glob("*.ipynb"))
    tagged = {
        c.source for c in nbformat.read(source, 4).cells if SKIP_TAG in c.metadata.get("tags", [])
    }
    assert len(tagged) >= 10
    # The same submissions, graded where the source tags nothing: every cell runs.
    untagged = scratch_course(tmp_path, root, [assignment])
    nb = nbformat.read(untagged / "source" / assignment / source.name, 4)
    for cell in nb.cells:
        cell.metadata.pop("tags", None)
    nbformat.write(nb, untagged / "source" / assignment / source.name)
    for student in ("ada", "bob"):
        shutil.copytree(
            course / "submitted" / student / assignment,
            untagged / "submitted" / student / assignment,
        )
    assert all(o.graded for o in grading.grade(untagged, assignment))
    expected = grading.scores(untagged, assignment)
    assert {s: grading.scores(course, assignment)[s] for s in expected} == expected
    for folder, ran in ((course, False), (untagged, True)):
        graded_nb = nbformat.read(folder / "autograded" / "ada" / assignment / source.name, 4)
        outputs = [bool(c.outputs) for c in graded_nb.cells if c.source in tagged]
        assert len(outputs) == len(tagged)
        assert (sum(outputs) >= 10) if ran else not any(outputs), (folder, outputs)


def test_a_failed_regrade_keeps_the_earlier_grade(graded, root):
    course, _ = graded
    assignment = assignments(root)[0]
    before = grading.scores(course, assignment)["ada"]
    notebook = next((course / "submitted" / "ada" / assignment).glob("*.ipynb"))
    notebook.write_text(notebook.read_text()[:500])
    (outcome,) = grading.grade(course, assignment, "ada", force=True)
    assert not outcome.graded and "not valid JSON" in outcome.reason
    assert grading.scores(course, assignment)["ada"] == before


def test_reference_answers_drop_the_markers(root):
    for source in (root / "source").glob("*/*.ipynb"):
        for code in reference_answers(nbformat.read(source, as_version=4)).values():
            assert "### BEGIN SOLUTION" not in code and "### END SOLUTION" not in code


def test_eves_layers_really_warn():
    """eve's full marks mean something only if her layers do print a warning."""
    import torch

    with pytest.warns(UserWarning):
        torch.tensor(torch.ones(1))
