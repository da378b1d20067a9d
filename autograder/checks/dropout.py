"""check_dropout: a dropout layer judged by its defining properties, since its masks are its own."""

import math

import torch

from .core import fail, seeded, verify_integrity
from .forbidden import expand
from .layer import _judging, _learner_record, judge_call, judge_structure, reference_name
from .runners import run_dropout
from .trees import assert_close


def check_dropout(learner, reference, cases, forbidden=(), quiet=False):
    """Check a dropout layer by its defining properties, since its random masks are its own.

    In train mode every output is either 0 or ``x / (1 - p)``, about a fraction ``p`` of the
    units is dropped, each call draws a new mask, and the gradient flows through the kept units
    only. A unit is what torch's layer keeps or drops as a whole on the same input, read off its
    own mask: an element (``Dropout``), a (sample, channel) map (``Dropout2d``), a channel of
    one unbatched volume (``Dropout3d`` on 4-D input). In eval mode the layer is the identity.
    Inputs are made non-zero so that dropped units show.
    """
    __tracebackhide__ = True  # learners see the message, not the engine
    verify_integrity()
    forbidden = tuple(expand(forbidden))
    for case in cases:
        with seeded():
            x = case.arguments()[0][0].abs() + 0.5
            plan = {"init": case.init, "x": x, "grad": torch.randn_like(x)}
        where = case.describe(learner.__name__, (x,), {}, ("input",))
        expected = run_dropout(reference, plan)
        got = _learner_record(learner, "dropout", plan)
        with _judging(learner, where):
            _judge_dropout(got, expected, plan, case, where, forbidden)
    if not quiet:
        print(
            f"✓ {learner.__name__} behaves like {reference_name(reference)} on {len(cases)} "
            "configuration(s)."
        )


def _judge_dropout(got, expected, plan, case, where, forbidden):
    __tracebackhide__ = True  # learners see the message, not the engine
    x, p = plan["x"], case.init.get("p", 0.5)
    if got.get("error"):
        fail(where, got["error"])
    judge_structure(got, expected, where)
    judge_call({"ops": got["eval_ops"], **got["eval_problem"]}, f"{where} [eval mode]", forbidden)
    assert_close(got["eval"], x, f"{where} [eval mode]", hint="dropout does nothing in eval mode.")
    judge_call(
        {"ops": got["train_ops"], **got["train_problem"]}, f"{where} [train mode]", forbidden
    )
    output, again = got["got"], got["again"]
    _check_dropout_values(output, x, p, where, unit_depth(expected["got"] != 0))
    if case.init.get("inplace", False):
        assert_close(
            got["input_after"],
            output,
            where,
            "input after an in-place call",
            "with inplace=True, write the result into the input tensor.",
        )
    if not isinstance(again, torch.Tensor) or again.shape != x.shape:
        fail(where, f"output should be a tensor of shape {tuple(x.shape)}.")
    if 0 < p < 1 and bool(((output == 0) == (again == 0)).all()):
        fail(
            where,
            "two calls dropped exactly the same units.",
            "draw a new random mask on every forward call.",
        )
    if expected["grad"] is not None:
        scale = 0.0 if p == 1 else 1 / (1 - p)
        if got["grad"] is None:
            fail(where, "no gradient reached the input.", "avoid .detach() and .data.")
        assert_close(
            got["grad"],
            plan["grad"] * (output != 0) * scale,
            where,
            "input gradient",
            "the gradient flows through kept units, scaled by 1/(1-p).",
        )


def unit_depth(kept):
    """How many leading dims index a unit of the mask ``kept``: the fewest such that every
    slice ``kept[i, j, ...]`` is kept or dropped as a whole."""
    for depth in range(1, kept.dim()):
        blocks = kept.flatten(depth)
        if bool((blocks.any(-1) == blocks.all(-1)).all()):
            return depth
    return kept.dim()


def _check_dropout_values(got, x, p, where, depth):
    __tracebackhide__ = True  # learners see the message, not the engine
    where = f"{where} [train mode]"
    if not isinstance(got, torch.Tensor) or got.shape != x.shape:
        fail(where, f"output should be a tensor of shape {tuple(x.shape)}.")
    if p == 1:
        assert_close(got, torch.zeros_like(x), where, hint="p=1 drops everything: return zeros.")
        return
    kept = got != 0
    assert_close(
        got[kept],
        x[kept] / (1 - p),
        where,
        "kept values",
        "scale the kept values by 1/(1-p) so the expected output equals the input.",
    )
    elementwise = depth == x.dim()
    unit = "single elements" if elementwise else f"each x[{', '.join('ijkl'[:depth])}] as a whole"
    torchs = f"torch keeps or drops {unit}."
    mine = unit_depth(kept) if 0 < p < 1 else depth  # p = 0: nothing to read a unit from
    if mine > depth:
        fail(where, "some units are only partly zeroed.", torchs)
    if mine < depth:
        fail(where, "keeps or drops larger blocks than torch's units.", torchs)
    units = kept if elementwise else kept.flatten(depth).any(-1)
    if units.dim() > 1 and units.shape[0] > 1 and 0 < p < 1 and bool((units == units[:1]).all()):
        fail(
            where,
            "every sample in the batch got the same mask.",
            "draw the mask for the whole batch, not for one sample.",
        )
    n = units.numel()
    dropped = 1 - units.double().mean().item()
    spread = 5 * math.sqrt(p * (1 - p) / n) + 1e-9
    if abs(dropped - p) > spread:
        fail(
            where,
            f"dropped {dropped:.3f} of the units, expected {p} ± {spread:.3f}.",
            "a unit is dropped with probability p (keep it when rand >= p).",
        )
