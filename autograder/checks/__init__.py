"""The check engine that test cells import: ``from autograder.checks import Case, check_layer``.

Needs nothing but torch and the standard library, so it runs in any kernel.
"""

from .engine import (
    DEVICE,
    Case,
    CheckFailed,
    Remote,
    assert_close,
    check_dropout,
    check_function,
    check_layer,
    count_parameters,
    seeded,
)
from .guard import trace_ops

__all__ = [
    "DEVICE",
    "Case",
    "CheckFailed",
    "Remote",
    "assert_close",
    "check_dropout",
    "check_function",
    "check_layer",
    "count_parameters",
    "seeded",
    "trace_ops",
]
