"""Proof that every exercise's tests (visible and hidden) accept the reference solution and
known-correct alternatives, and reject known-wrong implementations.

The variants live in course/variants/ (see :mod:`autograder.build.exercises`). Cells run
in-process on one shared namespace made by running the source notebook's lesson cells once.
"""

import pytest

from autograder.build.exercises import exercises, run_test_cell
from autograder.checks import CheckFailed

EXERCISES = exercises()


def variants():
    return [
        pytest.param(exercise, path, id=f"{exercise.grade_id}/{path.stem}")
        for exercise in EXERCISES
        for path in exercise.variants()
    ]


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.grade_id)
def test_reference_solution_passes(exercise):
    run_test_cell(exercise)


@pytest.mark.parametrize("exercise, path", variants())
def test_variant(exercise, path):
    code = path.read_text()
    if path.stem.startswith("correct_"):
        run_test_cell(exercise, code)
        return
    with pytest.raises(AssertionError) as failure:
        run_test_cell(exercise, code)
    if path.stem == "wrong_calls_torch_op":
        assert isinstance(failure.value, CheckFailed)
        assert failure.value.reason == "forbidden-op", failure.value


@pytest.mark.parametrize("exercise", EXERCISES, ids=lambda e: e.grade_id)
def test_every_exercise_has_its_variants(exercise):
    files = [p.stem for p in exercise.variants()]
    assert sum(f.startswith("correct_") for f in files) >= 2, f"{exercise.grade_id}: {files}"
    assert sum(f.startswith("wrong_") for f in files) >= 3, f"{exercise.grade_id}: {files}"
    if any("forbidden=" in source for _, source in exercise.tests):  # it forbids an op
        assert "wrong_calls_torch_op" in files, f"{exercise.grade_id}: {files}"
