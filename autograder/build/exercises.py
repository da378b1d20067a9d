"""The course's exercises and their known implementations (variants), for tests and benches.

An exercise is a solution cell with a test cell named ``<grade_id>_test`` in a source notebook,
and any further test cells named ``<grade_id>_test_<part>`` (a layer's points split over the parts
a learner can get right one by one: a stack, then bidirectional). Its variants live in
``course/variants/<assignment>/<grade_id>/``: ``correct_*.py`` must pass every test cell,
``wrong_*.py`` must fail one, and ``wrong_calls_torch_op.py`` must fail because it called the op
it should have built. Test cells run in-process, on the namespace a run of the whole source
notebook had before the exercise's first test cell (made once per assignment).
"""

import contextlib
import functools
import io
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbgrader.utils import is_grade, is_solution

from .course import ROOT, grade_id


@dataclass(frozen=True)
class Exercise:
    assignment: str
    grade_id: str
    tests: tuple  # (grade_id, source) of each test cell, in notebook order
    root: Path = ROOT

    def variants(self):
        """The variant files of this exercise, sorted by name."""
        return sorted((self.root / "course" / "variants" / self.assignment / self.grade_id).glob("*.py"))


def source_notebooks(root=ROOT):
    return sorted(Path(root, "source").glob("*/*.ipynb"))


def exercises(root=ROOT):
    """Every solution cell that has a test cell, in notebook order."""
    found = []
    for source in source_notebooks(root):
        cells = {grade_id(c): c for c in nbformat.read(source, as_version=4).cells if grade_id(c)}
        for name, cell in cells.items():
            tests = tuple(
                (test, code.source)
                for test, code in cells.items()
                if test == f"{name}_test" or test.startswith(f"{name}_test_")
            )
            if is_solution(cell) and f"{name}_test" in cells:
                found.append(Exercise(source.parent.name, name, tests, Path(root)))
    return found


def exercise_of(test_cell):
    """The exercise a test cell belongs to: ``lstm`` for ``lstm_test`` and ``lstm_test_stack``."""
    return test_cell.partition("_test")[0]


def variant(assignment, grade_id, name, root=ROOT):
    """The code of one variant, e.g. ``variant("01_norms", "dropout", "wrong_no_rescale")``."""
    return (Path(root) / "course" / "variants" / assignment / grade_id / f"{name}.py").read_text()


@functools.cache
def _namespaces(assignment, root):
    """The source notebook run from the top as grading runs it (lesson cells, reference
    solutions and test cells in order): the namespace as it stood before each test cell, by grade
    id, and at the end (``None``). A test cell may use what an earlier one defined."""
    import matplotlib

    matplotlib.use("Agg")  # lesson figures draw without a display
    namespace, before = {"__name__": "__main__"}, {}
    source = next(Path(root, "source", assignment).glob("*.ipynb"))
    for cell in nbformat.read(source, as_version=4).cells:
        if cell.cell_type == "code":
            if is_grade(cell):
                before[grade_id(cell)] = dict(namespace)
            code = compile(cell.source, f"<{assignment} {grade_id(cell) or cell.id}>", "exec")
            with contextlib.redirect_stdout(io.StringIO()):
                exec(code, namespace)
    before[None] = namespace
    return before


def lesson_namespace(assignment, root=ROOT, before=None):
    """A fresh copy of the notebook's namespace before the test cell ``before`` (at the end of
    the notebook when None)."""
    return dict(_namespaces(assignment, Path(root))[before])


def run_test_cell(exercise, code=None):
    """Run ``code`` (a learner's answer; the reference when None), then each of the exercise's
    test cells. A failed check raises :class:`AssertionError` (a ``CheckFailed``)."""
    namespace = lesson_namespace(exercise.assignment, exercise.root, exercise.tests[0][0])
    if code is not None:
        exec(compile(code, f"<{exercise.grade_id} answer>", "exec"), namespace)
    for name, test in exercise.tests:
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(test, f"<{name}>", "exec"), namespace)
