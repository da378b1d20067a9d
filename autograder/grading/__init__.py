"""Grading a class with nbgrader: intake, a sandboxed worker per submission, the trusted verdict.

Nothing here imports torch at import time: the kernel and the probe are sandboxed processes of
their own, and a grading worker loads torch for the judge when its first verdict is due.
"""

from .coordinator import (
    expected_notebooks,
    export,
    feedback,
    grade,
    register_assignment,
    report,
    scores,
    timings,
)

__all__ = [
    "expected_notebooks",
    "export",
    "feedback",
    "grade",
    "register_assignment",
    "report",
    "scores",
    "timings",
]
