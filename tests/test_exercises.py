"""Proof that every exercise's tests (visible and hidden) accept the reference solution and
known-correct alternatives, and reject known-wrong implementations.

Variants live in tests/variants/<assignment>/<grade_id>/: ``correct_*.py`` must pass the
exercise's test cell, ``wrong_*.py`` must fail it, and ``wrong_calls_torch_op.py`` must fail
because it called the op it should have built. Cells run in-process on one shared namespace
made by running the source notebook's lesson cells once.
"""

import contextlib
import io
from pathlib import Path

import nbformat
import pytest

from autograder import CheckFailed

ROOT = Path(__file__).resolve().parent.parent
VARIANTS = ROOT / "tests" / "variants"


def exercises():
    """(assignment, solution grade_id, test cell) for every solution cell with a test cell."""
    found = []
    for source in sorted((ROOT / "source").glob("*/*.ipynb")):
        cells = {
            c.metadata["nbgrader"]["grade_id"]: c
            for c in nbformat.read(source, as_version=4).cells
            if "nbgrader" in c.metadata
        }
        for grade_id, cell in cells.items():
            if cell.metadata["nbgrader"]["solution"]:
                found.append((source.parent.name, grade_id, cells[f"{grade_id}_test"].source))
    return found


def variants():
    return [
        pytest.param(assignment, grade_id, test, path, id=f"{grade_id}/{path.stem}")
        for assignment, grade_id, test in exercises()
        for path in sorted((VARIANTS / assignment / grade_id).glob("*.py"))
    ]


_namespaces = {}


def lesson_namespace(assignment):
    """The namespace left by running the lesson's ungraded cells and reference solutions."""
    if assignment not in _namespaces:
        namespace = {"__name__": "__main__"}
        source = next((ROOT / "source" / assignment).glob("*.ipynb"))
        for cell in nbformat.read(source, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and not meta.get("grade"):
                with contextlib.redirect_stdout(io.StringIO()):
                    exec(compile(cell.source, f"<{assignment} cell {cell.id}>", "exec"), namespace)
        _namespaces[assignment] = namespace
    return dict(_namespaces[assignment])


def run_test_cell(assignment, code, test):
    namespace = lesson_namespace(assignment)
    if code is not None:
        exec(compile(code, "<variant>", "exec"), namespace)
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(test, "<test cell>", "exec"), namespace)


@pytest.mark.parametrize("assignment, grade_id, test", exercises())
def test_reference_solution_passes(assignment, grade_id, test):
    run_test_cell(assignment, None, test)


@pytest.mark.parametrize("assignment, grade_id, test, path", variants())
def test_variant(assignment, grade_id, test, path):
    code = path.read_text()
    if path.stem.startswith("correct_"):
        run_test_cell(assignment, code, test)
        return
    with pytest.raises(AssertionError) as failure:
        run_test_cell(assignment, code, test)
    if path.stem == "wrong_calls_torch_op":
        assert isinstance(failure.value, CheckFailed) and "called" in str(failure.value)


@pytest.mark.parametrize("assignment, grade_id, test", exercises())
def test_every_exercise_has_its_variants(assignment, grade_id, test):
    files = [p.stem for p in (VARIANTS / assignment / grade_id).glob("*.py")]
    assert sum(f.startswith("correct_") for f in files) >= 2, f"{grade_id}: {files}"
    assert sum(f.startswith("wrong_") for f in files) >= 3, f"{grade_id}: {files}"
    if not grade_id.startswith("q_"):
        assert "wrong_calls_torch_op" in files, f"{grade_id}: {files}"
