"""Grading a class with nbgrader: intake, a sandboxed worker per submission, the trusted verdict.

Nothing here imports torch: the kernel, the probe and the judge are processes of their own.
"""

from .coordinator import (
    expected_notebooks,
    export,
    feedback,
    grade,
    register_assignment,
    report,
    scores,
)

__all__ = [
    "expected_notebooks",
    "export",
    "feedback",
    "grade",
    "register_assignment",
    "report",
    "scores",
]
