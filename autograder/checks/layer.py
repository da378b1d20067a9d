"""check_layer: a learner's nn.Module against its torch twin, one named step after another.

For each case both layers are built with the same arguments and seed, then judged in the order
a learner fixes things: structure, initial values, state_dict both ways, the training passes,
the eval pass, and (if asked) the repr.
"""

import math
from dataclasses import dataclass

import torch
from torch.utils._pytree import keystr, tree_flatten_with_path, tree_map

from .core import DTYPE, SEED, CheckFailed, fail, seeded, verify_integrity
from .forbidden import expand
from .guard import forbidden_calls
from .runners import DEVICE, RUNNERS, Remote, construct, run_layer, run_raises
from .trees import Case, argument_leaves, assert_close, grad_flags, kind, parameter_names

INIT_DRAWS = 8  # reference builds pooled when initial values are judged by their distribution


@dataclass
class Judging:
    """What the judges of one case need besides the two records."""

    learner: object
    reference: object
    case: Case
    where: str
    plan: dict
    forbidden: tuple
    hints: dict
    init: str
    outputs: object
    inputs: tuple
    compare_repr: bool

    def hint(self, aspect):
        return self.case.hint or self.hints.get(aspect, "")


def check_layer(
    learner,
    reference,
    cases,
    forbidden=(),
    hints=None,
    train_steps=2,
    compare_init=True,
    quiet=False,
    pin=None,
    init="exact",
    outputs=None,
    compare_repr=False,
):
    """Compare ``learner`` with ``reference`` on every case; raise CheckFailed on the first miss.

    Judged: parameter and buffer names, shapes and count; initial values (``init="exact"``:
    the same numbers under the same seed; ``"distribution"``: drawn like torch's; skipped when
    ``compare_init`` is false); loading each other's ``state_dict``; ``train_steps``
    forward/backward passes in train mode (every output leaf, the gradient of every input and
    parameter, buffers such as running statistics); a pass in eval mode; the ``repr`` when
    ``compare_repr``. ``forbidden`` names op families or ops the learner must not run.
    ``hints`` maps an aspect ("structure", "init", "train", "buffers", "eval") to a hint.
    ``pin`` maps parameter names to values both layers are given before every forward.
    ``outputs`` names the output's leaves, e.g. ``("output", ("h_n", "c_n"))``.
    """
    __tracebackhide__ = True  # learners see the message, not the engine
    verify_integrity()
    names = parameter_names(reference)
    for case in cases:
        plan = _plan(case, names, train_steps, pin)
        first = plan.get("steps", [plan])[0]
        where = case.describe(learner.__name__, first["args"], first["kwargs"], names)
        judging = Judging(
            learner, reference, case, where, plan, tuple(expand(forbidden)), hints or {},
            init if compare_init else "none", outputs, names, compare_repr,
        )  # fmt: skip
        if case.raises:
            _check_raises(judging)
            continue
        expected = run_layer(reference, plan, fill=True)
        _require_complete(expected, plan, where)
        got = _learner_record(learner, "layer", plan)
        with _judging(learner, where):
            for judge in (_structure, _initial_values, _state_dicts, _passes, _repr):
                judge(got, expected, judging)
    if not quiet:
        matched = f"{learner.__name__} matches {reference_name(reference)}"
        print(f"✓ {matched} on {len(cases)} configuration(s).")


def _plan(case, names, train_steps, pin):
    """The passes of one case: ``train_steps`` in train mode, then one in eval mode."""
    plan = {"init": case.init, "pin": pin or {}, "dtype": str(case.dtype).removeprefix("torch.")}
    plan["build"] = case.build
    if case.raises:
        with seeded(SEED + 1):
            args, kwargs = case.arguments()
        return plan | {
            "args": args,
            "kwargs": kwargs,
            "needs_grad": grad_flags(args, kwargs, names, ()),
        }
    steps = []
    for step, train in [(s, True) for s in range(1, train_steps + 1)] + [(100, False)]:
        with seeded(SEED + step):
            args, kwargs = case.arguments()
        steps.append({
            "train": train, "seed": SEED + step, "args": args, "kwargs": kwargs,
            "needs_grad": grad_flags(args, kwargs, names, case.grad),
            "again": case.random == "always" or (train and bool(case.random)),
        })  # fmt: skip
    return plan | {"steps": steps}


def _require_complete(expected, plan, where):
    broken = set(expected) & {"error", "load_error"} or any(
        set(step) & {"error", "backward_error"} for step in expected["steps"]
    )
    if broken or len(expected["steps"]) != len(plan["steps"]):
        errors = [expected.get("error"), expected.get("load_error")] + [
            step.get("error") or step.get("backward_error") for step in expected["steps"]
        ]
        raise RuntimeError(f"the reference itself fails on {where}: {[e for e in errors if e]}")


def _learner_record(learner, kind, plan):
    """The learner's record: from its own process when it is a :class:`Remote`, else here."""
    if isinstance(learner, Remote):
        return learner.run(kind, plan)
    return RUNNERS[kind](learner, plan)


class _judging:
    """Judge a record; a Remote's record that the judge cannot read fails (and is flagged)."""

    def __init__(self, learner, where):
        self.learner, self.where = learner, where

    def __enter__(self):
        return self

    def __exit__(self, kind_, error, traceback):
        __tracebackhide__ = True  # learners see the message, not the engine
        readable = (KeyError, TypeError, IndexError, AttributeError, ValueError)
        if isinstance(error, readable) and isinstance(self.learner, Remote):
            fail(
                self.where,
                f"grading could not read the results your code sent back ({type(error).__name__}: "
                f"{str(error)[:200]}).",
                finding="malformed-record",
            )
        return False


def reference_name(reference):
    module = getattr(reference, "__module__", "")
    prefix = "nn." if module.startswith("torch.nn") else ""
    return prefix + getattr(reference, "__name__", repr(reference))


# ---- the named steps -----------------------------------------------------------------------


def _structure(got, expected, j):
    __tracebackhide__ = True  # learners see the message, not the engine
    if got.get("error"):
        fail(j.where, got["error"])
    judge_structure(got, expected, j.where)
    _judge_warnings(got, expected, j.where)


def _judge_warnings(got, expected, where):
    """Every kind of warning torch's constructor gives, the learner's gives too."""
    __tracebackhide__ = True  # learners see the message, not the engine
    given = {category for category, _ in got.get("warnings", [])}
    for category, message in expected["warnings"]:
        if category not in given:
            fail(
                where,
                f"torch's constructor warns here ({category}: {message}); yours does not.",
                f"call warnings.warn(..., {category}) in __init__ as torch does.",
            )


def judge_structure(got, expected, where):
    """Parameter and buffer names and shapes, and the parameter count."""
    __tracebackhide__ = True  # learners see the message, not the engine
    for what in ("parameters", "buffers"):
        mine, theirs = got[what], expected[what]
        missing, extra = sorted(set(theirs) - set(mine)), sorted(set(mine) - set(theirs))
        if missing or extra:
            fail(
                where,
                f"{what} are named {sorted(mine)}, expected {sorted(theirs)} "
                f"(missing {missing}, unexpected {extra}).",
                "use torch's names so that torch weights load into your layer.",
            )
        for name, shape in theirs.items():
            if list(mine[name]) != list(shape):
                fail(
                    where,
                    f"{what[:-1]} '{name}' has shape {tuple(mine[name])}, expected {tuple(shape)}.",
                )
    if got["count"] != expected["count"]:
        fail(where, f"has {got['count']} parameters, expected {expected['count']}.")


def _initial_values(got, expected, j):
    __tracebackhide__ = True  # learners see the message, not the engine
    if j.init == "none":
        return
    params = set(expected["parameters"])
    for name, value in expected["initial"].items():
        if name not in got["initial"]:
            fail(j.where, f"state_dict has no '{name}'.", j.hint("init"))
        mine = got["initial"][name]
        if j.init == "distribution" and name in params:
            _judge_distribution(mine, name, j)
        else:
            as_double = mine.double() if isinstance(mine, torch.Tensor) else mine
            assert_close(
                as_double, value.double(), j.where, f"initial '{name}'", j.hint("init"),
                j.case.dtype,
            )  # fmt: skip


def _judge_distribution(got, name, j):
    """Initial values drawn like torch's: a two-sample Kolmogorov–Smirnov test against values
    pooled from several seeded builds of the reference (constant values must match exactly)."""
    __tracebackhide__ = True  # learners see the message, not the engine
    pool = []
    for draw in range(INIT_DRAWS):
        with seeded(SEED + 1000 + draw):
            pool.append(
                dict(construct(j.reference, j.plan).state_dict())[name].detach().double().flatten()
            )
    theirs = torch.cat(pool)
    if not isinstance(got, torch.Tensor):
        fail(j.where, f"initial '{name}' should be a tensor, got {kind(got)}.")
    mine = got.detach().double().flatten()
    if float(theirs.std()) == 0.0 or mine.numel() < 2:
        assert_close(
            got.double(), pool[0].reshape(got.shape), j.where, f"initial '{name}'", j.hint("init")
        )
        return
    n, m = mine.numel(), theirs.numel()
    both = torch.cat([mine, theirs]).sort().values
    below_mine = torch.searchsorted(mine.sort().values, both, right=True) / n
    below_theirs = torch.searchsorted(theirs.sort().values, both, right=True) / m
    gap = (below_mine - below_theirs).abs().max().item()
    critical = 1.95 * math.sqrt((n + m) / (n * m))  # about one chance in a thousand
    if gap > critical:
        fail(
            j.where,
            f"initial '{name}' is not drawn like torch's: its values lie in "
            f"[{mine.min():.3g}, {mine.max():.3g}] with mean {mine.mean():.3g} and std "
            f"{mine.std():.3g}; torch's lie in [{theirs.min():.3g}, {theirs.max():.3g}] with mean "
            f"{theirs.mean():.3g} and std {theirs.std():.3g} (Kolmogorov–Smirnov distance "
            f"{gap:.2f} > {critical:.2f}).",
            j.hint("init") or "use the distribution and bounds torch's reset_parameters uses.",
        )


def _state_dicts(got, expected, j):
    """Each layer loads the other's state_dict, strictly."""
    __tracebackhide__ = True  # learners see the message, not the engine
    if got.get("load_error"):
        fail(j.where, f"loading torch's state_dict into your layer failed: {got['load_error']}")
    with seeded():
        fresh = construct(j.reference, j.plan).to(DEVICE, j.case.dtype)
    try:
        fresh.load_state_dict(got["state"], strict=True)
    except Exception as error:  # whatever the learner's state_dict holds
        fail(
            j.where,
            f"loading your state_dict into torch's layer failed: {type(error).__name__}: {error}"[
                :600
            ],
        )


def _passes(got, expected, j):
    """Every planned pass: the call, its outputs and gradients, then the buffers."""
    __tracebackhide__ = True  # learners see the message, not the engine
    for number, (step, theirs) in enumerate(zip(j.plan["steps"], expected["steps"]), 1):
        mine = got["steps"][number - 1]
        train = step["train"]
        where = f"{j.where} [train mode, step {number}]" if train else f"{j.where} [eval mode]"
        judge_call(mine, where, j.forbidden)
        random = step["again"] and not _equal(theirs["out"], theirs["again"])
        if random:
            judge_random(mine, theirs, where, j)
        else:
            judge_outputs(mine, theirs, step, where, j, "train" if train else "eval")
        _judge_param_grads(mine, theirs, where, j, random)
        _judge_params_after(mine, theirs, where, j)
        where = f"{j.where} [after {number} training step(s)]" if train else where
        hint = j.hint("buffers") if train else "eval mode must not change running statistics."
        judge_buffers(mine["buffers"], theirs["buffers"], where, hint)


def judge_call(got, where, forbidden):
    """Fail when a traced call raised, defeated the trace, or ran a forbidden op."""
    __tracebackhide__ = True  # learners see the message, not the engine
    if "defeated" in got:
        fail(where, f"grading could not watch your code: {got['defeated']}.", "", "trace-defeated")
    if "error" in got:
        fail(where, f"forward raised {got['error']}", reason="error")
    called = forbidden_calls(set(got["ops"]), forbidden)
    if called:
        fail(
            where,
            f"your code called {', '.join(called)}, the operation this exercise asks you to "
            "build yourself.",
            "write it from tensor primitives (arithmetic, mean, sum, indexing, reshape).",
            reason="forbidden-op",
        )


def judge_outputs(got, expected, call, where, j, aspect):
    """Outputs leaf by leaf, the input after the call, then every gradient."""
    __tracebackhide__ = True  # learners see the message, not the engine
    hint = j.hint(aspect)
    assert_close(got["out"], expected["out"], where, "output", hint, j.case.dtype, j.outputs)
    assert_close(
        got["input_after"], expected["input_after"], where, "input after the call",
        "change the input in place only when inplace=True.", j.case.dtype,
    )  # fmt: skip
    _judge_wiring(got, expected, where, j)
    labels = [label for label, _ in argument_leaves(call["args"], call["kwargs"], j.inputs)]
    for label, mine, theirs in zip(labels, got["input_grads"], expected["input_grads"]):
        if theirs is None:
            continue
        if mine is None:
            fail(where, f"no gradient reached {label}.", "avoid .detach() and .data.")
        assert_close(mine, theirs, where, f"gradient of {label}", hint, j.case.dtype)


def _judge_wiring(got, expected, where, j):
    """Every floating output leaf that carries a gradient in torch carries one here too."""
    __tracebackhide__ = True  # learners see the message, not the engine
    if "backward_error" in got:
        fail(where, f"backward raised {got['backward_error']}", reason="error")
    names = _output_labels(expected["out"], j.outputs)
    for label, mine, theirs in zip(names, got["out_grad"], expected["out_grad"]):
        if theirs and not mine:
            fail(
                where, f"{label} does not carry a gradient.", "avoid .detach(), .data and no_grad."
            )


def _output_labels(out, names):
    """The labels of an output's floating tensor leaves, in order (for messages)."""
    labels = []
    for path, leaf in tree_flatten_with_path(out)[0]:
        if isinstance(leaf, torch.Tensor) and leaf.is_floating_point():
            labels.append(_label(path, names))
    return labels


def _label(path, names):
    """An output leaf's label: the name declared for it (or for a part above it), else a path."""
    label, sub = "output", names
    for depth, key in enumerate(path):
        part = getattr(key, "idx", getattr(key, "key", None))
        if isinstance(sub, str):
            return sub + keystr(path[depth:])
        if isinstance(sub, (tuple, list)) and isinstance(part, int) and part < len(sub):
            sub = sub[part]
        elif isinstance(sub, dict) and part in sub:
            sub = sub[part]
        else:
            return label + keystr(path)
    return sub if isinstance(sub, str) else label + keystr(path)


def _judge_param_grads(got, expected, where, j, random):
    __tracebackhide__ = True  # learners see the message, not the engine
    for name in sorted(set(got["frozen"]) ^ set(expected["frozen"])):
        trains = name in expected["frozen"]  # torch's is frozen, so the learner's trains
        fail(
            where,
            f"parameter '{name}' has requires_grad={trains}; torch's has {not trains}.",
            "a frozen parameter (requires_grad=False) is left out of training.",
        )
    for name, grad in expected["param_grads"].items():
        if grad is None:
            continue
        if got["param_grads"].get(name) is None:
            fail(where, f"parameter '{name}' got no gradient.", "use it in forward.")
        if not random:
            assert_close(
                got["param_grads"][name],
                grad,
                where,
                f"gradient of '{name}'",
                j.hint("train"),
                j.case.dtype,
            )


def _judge_params_after(got, expected, where, j):
    """Parameter values after the pass: unchanged, or changed in place where torch changes them
    (Embedding's max_norm renormalises the rows it looks up)."""
    __tracebackhide__ = True  # learners see the message, not the engine
    hint = j.hint("params") or "forward changes a parameter only where torch's does."
    for name, value in expected["params_after"].items():
        assert_close(
            got["params_after"][name], value, where, f"parameter '{name}' after the pass", hint
        )


def _equal(a, b):
    try:
        assert_close(a, b, "", dtype=torch.float64)
    except CheckFailed:
        return False
    return True


def _judge_fixed_parts(got, expected, where, j):
    """Where all of torch's random passes agree, the learner's output must be torch's. Parts
    are slices along an output's first axis (``h_n[0]``: a stack's first layer, before any
    dropout), so that a value a draw happens to keep in every pass does not count as fixed."""
    __tracebackhide__ = True  # learners see the message, not the engine
    labels = _output_labels(expected["out"], j.outputs)
    runs = [expected["again"], *expected["reruns"]]
    others = zip(*(_floating(run) for run in runs))
    leaves = zip(labels, _floating(got["out"]), _floating(expected["out"]), others)
    for label, mine, ref, other in leaves:
        if ref.dim() == 0:
            continue
        same = [(ref == o).reshape(len(ref), -1).all(1) for o in other]
        for index in torch.stack(same).all(0).nonzero().flatten().tolist():
            assert_close(
                mine[index], ref[index], where, f"{label}[{index}], which torch's random draws "
                "do not change", j.hint("train"), j.case.dtype,
            )  # fmt: skip


def _floating(tree):
    leaves = [leaf for _, leaf in tree_flatten_with_path(tree)[0]]
    return [t for t in leaves if isinstance(t, torch.Tensor) and t.is_floating_point()]


def judge_random(got, expected, where, j):
    """A pass with randomness inside: the same structure and shapes as torch's, and a
    different output when the same pass runs under another seed, as torch's is."""
    __tracebackhide__ = True  # learners see the message, not the engine
    shapes = tree_map(
        lambda t: torch.zeros(t.shape) if isinstance(t, torch.Tensor) else t, expected["out"]
    )
    mine = tree_map(
        lambda t: torch.zeros(t.shape) if isinstance(t, torch.Tensor) else t, got["out"]
    )
    assert_close(mine, shapes, where, "output", j.hint("train"), DTYPE, j.outputs)
    _judge_wiring(got, expected, where, j)
    _judge_fixed_parts(got, expected, where, j)
    for label, invariant in j.case.invariants.items():
        assert_close(
            invariant(got["out"]), invariant(expected["out"]), where, label, j.hint("train"),
            j.case.dtype,
        )  # fmt: skip
    if _equal(got["out"], got["again"]):
        fail(
            where,
            "two runs of this pass under different random seeds gave the same output, as if "
            "nothing were drawn at random.",
            j.case.hint or "apply dropout where torch does, drawing a fresh mask on every call.",
        )


def judge_buffers(got, expected, where, hint):
    __tracebackhide__ = True  # learners see the message, not the engine
    for name, buffer in expected.items():
        if name not in got:
            fail(where, f"buffer '{name}' is missing.", hint)
        if not buffer.is_floating_point() and buffer.numel() == 1:
            mine = got[name]
            if not isinstance(mine, torch.Tensor) or mine.numel() != 1 or int(mine) != int(buffer):
                shown = (
                    int(mine)
                    if isinstance(mine, torch.Tensor) and mine.numel() == 1
                    else kind(mine)
                )
                fail(where, f"buffer '{name}' is {shown}, expected {int(buffer)}.", hint)
            continue
        assert_close(got[name], buffer, where, f"buffer '{name}'", hint)


def _repr(got, expected, j):
    __tracebackhide__ = True  # learners see the message, not the engine
    if not j.compare_repr:
        return
    wanted = expected["repr"]
    name = getattr(j.reference, "__name__", "")
    if name and wanted.startswith(name + "("):  # a reference written in a test cell, not torch's
        wanted = j.learner.__name__ + wanted.removeprefix(name)
    if got["repr"] != wanted:
        fail(
            j.where,
            f"repr(layer) is {got['repr']!r}, expected {wanted!r}.",
            "write extra_repr() to return the constructor arguments as torch shows them.",
        )


def _check_raises(j):
    __tracebackhide__ = True  # learners see the message, not the engine
    expected = run_raises(j.reference, j.plan)
    wanted = j.case.raises.__name__
    if wanted not in expected.get("raised", {}).get("types", []):
        raise RuntimeError(f"the reference does not raise {wanted} on {j.where}: {expected}")
    got = _learner_record(j.learner, "raises", j.plan)
    with _judging(j.learner, j.where):
        if got.get("error"):
            fail(j.where, got["error"])
        raised = got["raised"]
        if wanted not in raised.get("types", []):
            what = f"raised {raised['error']}" if "error" in raised else "returned an output"
            fail(j.where, f"should raise {wanted}, as torch does; it {what}.", j.case.hint)
