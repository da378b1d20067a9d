"""check_function: a learner's function (or torch.autograd.Function) against its reference.

The same core as check_layer: every call's result compared leaf by leaf, the gradient of every
floating argument, the forbidden ops; and, for a hand-written backward, torch's ``gradcheck``
(and ``gradgradcheck``) in float64.
"""

from dataclasses import dataclass

from .core import SEED, fail, seeded, verify_integrity
from .forbidden import expand
from .layer import (
    _equal,
    _judging,
    _learner_record,
    judge_call,
    judge_outputs,
    judge_random,
    reference_name,
)
from .runners import run_function
from .trees import grad_flags, parameter_names


@dataclass
class _Call:
    """What judge_outputs needs of one call (see :class:`~autograder.checks.layer.Judging`)."""

    case: object
    outputs: object
    inputs: tuple
    default_hint: str = ""

    def hint(self, aspect):
        return self.case.hint or self.default_hint


def check_function(
    learner,
    reference,
    cases,
    forbidden=(),
    hint="",
    quiet=False,
    outputs=None,
    gradcheck=False,
    gradgradcheck=False,
    autograd_function=False,
):
    """Call ``learner`` and ``reference`` with each case's arguments (``args``/``input`` and
    ``kwargs``); their results must agree leaf by leaf (tensors within tolerance, numbers
    exactly), so must the gradients of the floating arguments, and the learner must not run
    ``forbidden`` ops. A ``random`` case (dropout inside) is judged as check_layer judges a
    random pass: shapes, what no draw changes, the case's invariants, a fresh draw per seed.
    ``gradcheck`` (and ``gradgradcheck``) also compare the learner's backward with finite
    differences in float64; ``autograd_function``: every output that carries a gradient comes
    from a ``torch.autograd.Function`` (a hand-written backward); ``outputs`` names the result's
    leaves."""
    __tracebackhide__ = True  # learners see the message, not the engine
    verify_integrity()
    forbidden, names = (
        tuple(expand(forbidden)),
        parameter_names(reference) or parameter_names(learner),
    )
    plan = {
        "calls": [],
        "gradcheck": [
            n for n, on in (("gradcheck", gradcheck), ("gradgradcheck", gradgradcheck)) if on
        ],
    }
    for number, case in enumerate(cases):
        with seeded(SEED + number):
            args, kwargs = case.arguments()
        flags = grad_flags(args, kwargs, _arguments(names, case), case.grad)
        plan["calls"].append({
            "args": args, "kwargs": kwargs, "needs_grad": flags, "seed": SEED + number,
            "again": case.random, "model": case.model,
            "dtype": str(case.dtype).removeprefix("torch."),
        })  # fmt: skip
    expected = run_function(reference, plan, fill=True)
    for case, call in zip(cases, expected["calls"]):
        if set(call) & {"error", "backward_error"}:
            raise RuntimeError(f"the reference itself fails on {case}: {call}")
    record = _learner_record(learner, "function", plan)
    with _judging(learner, learner.__name__):
        if len(record["calls"]) != len(cases):
            raise ValueError("the record does not answer every planned call")
        for case, call, mine, theirs in zip(
            cases, plan["calls"], record["calls"], expected["calls"]
        ):
            given = _arguments(names, case)
            where = case.describe_call(learner.__name__, call["args"], call["kwargs"], given)
            judge_call(mine, where, forbidden)
            judging = _Call(case, outputs, given, hint)
            if case.random and not _equal(theirs["out"], theirs["again"]):
                judge_random(mine, theirs, where, judging)
            else:
                judge_outputs(mine, theirs, call, where, judging, "call")
            if autograd_function:
                _judge_from_function(mine, where)
            _judge_gradcheck(mine.get("gradcheck"), where)
    if not quiet:
        print(
            f"✓ {learner.__name__} agrees with {reference_name(reference)} on {len(cases)} call(s)."
        )


def _arguments(names, case):
    """The names of the arguments a case gives (its ``model``, built in the runner, aside)."""
    return names[1:] if case.model else names


def _judge_from_function(found, where):
    __tracebackhide__ = True  # learners see the message, not the engine
    made = [custom for custom, wired in zip(found["from_function"], found["out_grad"]) if wired]
    if not made or not all(made):
        fail(
            where,
            "the result was not made by a torch.autograd.Function, so autograd, not your "
            "backward, computes its gradient.",
            "return YourFunction.apply(...), whose backward is the one you wrote.",
            reason="no-custom-backward",
        )


def _judge_gradcheck(found, where):
    __tracebackhide__ = True  # learners see the message, not the engine
    if not found:
        return
    if "defeated" in found:
        fail(
            where, f"grading could not watch your code: {found['defeated']}.", "", "trace-defeated"
        )
    first = str(found.get("error", "")).split("\n")[0].removeprefix("GradcheckError: ")
    what = "backward" if found["check"] == "gradcheck" else "backward of the backward"
    fail(
        where,
        f"torch.autograd.{found['check']} says your {what} disagrees with finite differences "
        f"in float64: {first}",
        "derive the gradient again; gradcheck compares it with (f(x + ε) − f(x − ε)) / 2ε.",
        reason="gradcheck",
    )
