"""Layer by Layer's autograder: the check engine used by every exercise, and the course tools.

Test cells import from here: ``from autograder import Case, check_layer``. The engine
(``checks``, ``guard``) needs nothing but torch; building and grading live in other modules.
"""

from .checks import (
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
    "check_function",
    "check_dropout",
    "check_layer",
    "count_parameters",
    "seeded",
    "trace_ops",
]
