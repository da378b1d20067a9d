"""The check engine that test cells import: ``from autograder.checks import Case, check_layer``.

Needs nothing but torch and the standard library, so it runs in any kernel. Every check is split
in two, so that the verdict need not be computed where learner code runs: a *runner*
(:mod:`.runners`) drives one object through a plan and returns a record of plain data; a
*judge* (:mod:`.layer`, :mod:`.function`, :mod:`.dropout`) compares the learner's record with
the reference's. In grading, the learner's object is a :class:`Remote`: its runner works in the
sandboxed probe (:mod:`.probe`), the judge in a trusted process.

``count_parameters`` is importable by name but left out of ``__all__``: test cells start with
``from autograder.checks import *``, and chapter 5's learners write a function of that name.
"""

from .core import DEVICE, CheckFailed, seeded
from .core import count_parameters as count_parameters
from .dropout import check_dropout
from .forbidden import FAMILIES
from .function import check_function
from .guard import trace_ops
from .layer import check_layer
from .runners import Remote
from .trees import Case, assert_close

__all__ = [
    "DEVICE",
    "FAMILIES",
    "Case",
    "CheckFailed",
    "Remote",
    "assert_close",
    "check_dropout",
    "check_function",
    "check_layer",
    "seeded",
    "trace_ops",
]
