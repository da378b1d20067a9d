"""Runners: drive one object (the learner's, or the reference) through a plan; return a record.

A *plan* says what to do (constructor arguments, calls with their arguments and seeds, states to
load, output gradients); a *record* says what happened, as plain data and CPU tensors only, so
that a record made in a sandboxed process can be judged in a trusted one. With ``fill`` (the
reference, which runs first) a runner also draws what the plan leaves open (a random state,
output gradients) and writes it into the plan for the learner's run.
"""

import warnings

import torch
from torch.autograd.function import BackwardCFunction
from torch.utils._pytree import tree_flatten, tree_map, tree_unflatten

from .core import DEVICE, SEED, count_parameters, error_text, seeded
from .guard import TraceDefeated, trace_ops
from .trees import plain

RERUNS = 3  # extra reference passes under other seeds, where randomness is inside a layer


class Remote:
    """A learner's class or function that lives in another process.

    A check hands it a plan with :meth:`run` and judges the record that comes back; anything
    else a test cell does with it is refused, since the learner's code is not here.
    """

    def __init__(self, name, runner):
        self.__name__ = name
        self._runner = runner

    def run(self, kind, plan):
        return self._runner(self.__name__, kind, plan)

    def __call__(self, *args, **kwargs):
        raise TypeError(
            f"{self.__name__} is the learner's and runs in the sandbox: check it with "
            "check_layer, check_dropout or check_function"
        )


def _traced(function, *args, **kwargs):
    """(result, ops seen, problem): run learner code under the op trace."""
    try:
        with trace_ops() as seen:
            result = function(*args, **kwargs)
    except TraceDefeated as error:
        return None, [], {"defeated": str(error)}
    except Exception as error:
        return (
            None,
            [],
            {"error": error_text(error), "types": [c.__name__ for c in type(error).__mro__]},
        )
    return result, sorted(seen), {}


def _dtype(plan):
    return getattr(torch, plan.get("dtype", "float64"))


def _on_device(args, kwargs, flags):
    """The call's arguments on the device, every tensor a copy. Leaves that get gradients
    (``flags``) become fresh leaf tensors, and the call sees a copy of each (``x * 1``), so that
    an in-place layer changes the copy: returns (leaves with gradients, the call's arguments)."""
    leaves, spec = tree_flatten((tuple(args), dict(kwargs)))
    moved = [x.to(DEVICE).clone() if isinstance(x, torch.Tensor) else x for x in leaves]
    roots = [x.requires_grad_() if flag else x for x, flag in zip(moved, flags)]
    seen = [x * 1 if flag else x for x, flag in zip(roots, flags)]
    return roots, tree_unflatten(seen, spec)


def _floating(out):
    return [
        t for t in tree_flatten(out)[0] if isinstance(t, torch.Tensor) and t.is_floating_point()
    ]


def _call(function, call, fill, backward=True):
    """One planned call (and its backward): outputs, ops, input after the call, gradients."""
    roots, (args, kwargs) = _on_device(call["args"], call["kwargs"], call["needs_grad"])
    if call.get("model"):  # a module built here, the same for both sides, comes first
        with seeded(call["seed"]):
            args = (call["model"]().to(DEVICE, _dtype(call)), *args)
    with seeded(call["seed"]):  # the reference (``fill``) needs no op trace
        out, ops, problem = (
            (function(*args, **kwargs), [], {}) if fill else _traced(function, *args, **kwargs)
        )
    record = {"ops": ops, **problem}
    if problem:
        return record
    record |= {"out": plain(out), "input_after": plain((args, kwargs))}
    tensors = _floating(out)
    record["out_grad"] = [t.requires_grad for t in tensors]
    record["from_function"] = [isinstance(t.grad_fn, BackwardCFunction) for t in tensors]
    if fill:
        with seeded(call["seed"] + 50):
            call["grads"] = [torch.randn_like(t).cpu() for t in tensors]
    wired = [(t, g) for t, g in zip(tensors, call["grads"]) if t.requires_grad]
    if backward and wired:
        try:
            sum((t * g.to(t)).sum() for t, g in wired).backward()
        except Exception as error:
            record["backward_error"] = error_text(error)
            return record
    record["input_grads"] = [
        plain(x.grad) if flag else None for x, flag in zip(roots, call["needs_grad"])
    ]
    return record


def construct(factory, plan):
    """``factory(**init)``, or ``factory.<build>(**init)`` when the plan names a class method."""
    init = tree_map(lambda v: v.clone() if isinstance(v, torch.Tensor) else v, plan["init"])
    make = getattr(factory, plan["build"]) if plan.get("build") else factory
    return make(**init)


def _build(factory, plan, record):
    """The module :func:`construct` makes, on the device, or None with the reason in ``record``;
    the warnings its construction gave go in ``record`` too."""
    try:
        with seeded(), warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            module = construct(factory, plan)
        record["warnings"] = [[w.category.__name__, str(w.message)[:300]] for w in caught]
        if not isinstance(module, torch.nn.Module):
            record["error"] = "should be an nn.Module subclass."
            return None
        return module.to(DEVICE, _dtype(plan))
    except Exception as error:  # a learner's layer may fail in any way
        record["error"] = f"could not be built: {error_text(error)}"
        return None


def _shapes(named):
    return {name: list(t.shape) for name, t in named if t is not None}


def _inspect(module, record):
    record["parameters"] = _shapes(module.named_parameters())
    record["buffers"] = _shapes(module.named_buffers())
    record["count"] = count_parameters(module)
    record["initial"] = plain(module.state_dict())
    record["repr"] = repr(module)[:2000]


def _randomize(module):
    """Give a module's parameters and buffers random values of their kind.

    Parameters get normal values; floating buffers (running statistics, random samples) get
    uniform values in [0, 1), variances in [0.5, 1.5); integer buffers (step counters) get 3.
    Non-persistent buffers (tables the constructor computes) keep their values: no state_dict
    carries them to the other layer.
    """
    saved = set(module.state_dict(keep_vars=True))
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn_like(p))
        for name, t in module.named_buffers():
            if t is None or name not in saved:
                continue
            if t.is_floating_point():
                t.copy_(torch.rand_like(t) + (0.5 if name.endswith("var") else 0.0))
            else:
                t.fill_(3)


def _pin(module, values):
    with torch.no_grad():
        params = dict(module.named_parameters())
        for name, value in values.items():
            params[name].copy_(value)


def _again(function, call, fill, record):
    """Add to ``record`` the outputs of its call (randomness inside) run again under other
    seeds, without backward: once for a learner, 1 + RERUNS times for the reference."""
    again = {**call, "needs_grad": [False] * len(call["needs_grad"])}
    seeds = range(1, 2 + (RERUNS if fill else 0))
    buffers = dict(function.named_buffers()) if isinstance(function, torch.nn.Module) else {}
    saved = {name: buffer.detach().clone() for name, buffer in buffers.items()}
    with torch.no_grad():
        runs = [_call(function, {**again, "seed": call["seed"] + k}, fill, False) for k in seeds]
    for name, value in saved.items():  # a rerun is not a training step: running stats stay
        owner, _, leaf = name.rpartition(".")
        setattr(function.get_submodule(owner), leaf, value)
    record["again"] = runs[0].get("out")
    record["ops"] = sorted({*record["ops"], *(op for run in runs for op in run["ops"])})
    if fill:
        record["reruns"] = [run.get("out") for run in runs[1:]]
    record |= {k: v for k, v in runs[0].items() if k in ("error", "types", "defeated")}


def _layer_step(module, step, plan, fill):
    """One planned pass: forward and backward, then the parameters (gradients, values, which are
    frozen) and buffers. A pass with ``again`` runs the forward once more under another seed
    (randomness inside); the reference (``fill``) runs it under RERUNS more, so that what no
    draw changes can be told from what two draws happen to share."""
    module.train(step["train"])
    if plan.get("pin"):
        _pin(module, plan["pin"])
    record = _call(module, step, fill)
    if set(record) & {"error", "defeated", "backward_error"}:
        return record
    record["param_grads"] = {n: plain(p.grad) for n, p in module.named_parameters()}
    record["params_after"] = plain({n: p.detach() for n, p in module.named_parameters()})
    record["frozen"] = sorted(n for n, p in module.named_parameters() if not p.requires_grad)
    module.zero_grad(set_to_none=True)
    record["buffers"] = plain(dict(module.named_buffers()))
    if step.get("again"):
        _again(module, step, fill, record)
    return record


def run_layer(factory, plan, fill=False):
    """The record of one :func:`check_layer` case: build, inspect, load the planned state,
    then run the planned steps."""
    record = {"steps": []}
    module = _build(factory, plan, record)
    if module is None:
        return record
    try:
        _inspect(module, record)
        if fill:
            with seeded(SEED - 1):
                _randomize(module)
            plan["state"] = plain(module.state_dict())
        module.load_state_dict(plan["state"], strict=True)
        record["state"] = plain(module.state_dict())
    except Exception as error:
        record["load_error"] = error_text(error)
        return record
    for step in plan["steps"]:
        try:
            result = _layer_step(module, step, plan, fill)
        except Exception as error:
            result = {"error": error_text(error), "types": []}
        record["steps"].append(result)
        if set(result) & {"error", "defeated", "backward_error"}:
            break
    return record


def run_raises(factory, plan, fill=False):
    """The record of a case whose input torch refuses: which exception the forward raised."""
    record = {}
    module = _build(factory, plan, record)
    if module is not None:
        _, (args, kwargs) = _on_device(plan["args"], plan["kwargs"], plan["needs_grad"])
        _, _, record["raised"] = _traced(module, *args, **kwargs)
    return record


def run_dropout(factory, plan, fill=False):
    """The record of one :func:`check_dropout` case: an eval call and two train calls."""
    record = {}
    try:
        module = factory(**plan["init"]).to(DEVICE, _dtype(plan))
        if not isinstance(module, torch.nn.Module):
            return {"error": "should be an nn.Module subclass."}
        _inspect(module, record)
        x = plan["x"].to(DEVICE)
        module.eval()
        record["eval"], ops, problem = _traced(module, x.clone())
        record["eval_ops"], record["eval_problem"] = ops, problem
        module.train()
        leaf = x.clone().requires_grad_()
        with seeded():
            inp = leaf * 1
            got, ops1, problem1 = _traced(module, inp)
            again, ops2, problem2 = _traced(module, x.clone())
        record |= {"train_ops": ops1 + ops2, "train_problem": problem1 or problem2}
        record |= {"got": plain(got), "again": plain(again), "input_after": plain(inp)}
        if isinstance(got, torch.Tensor) and got.requires_grad:
            (got * plan["grad"].to(got)).sum().backward()
        record["grad"] = plain(leaf.grad)
        record["eval"] = plain(record["eval"])
    except Exception as error:
        record["error"] = error_text(error)
    return record


def run_function(function, plan, fill=False):
    """The record of :func:`check_function`: each planned call's result and gradients, or its
    exception; with ``gradcheck``, torch's gradcheck (and gradgradcheck) on each call too."""
    calls = []
    for call in plan["calls"]:
        try:
            record = _call(function, call, fill)
            if call.get("again") and "out" in record:
                _again(function, call, fill, record)
        except Exception as error:  # a learner's function may return anything
            record = {"error": error_text(error), "types": []}
        if plan.get("gradcheck") and "out" in record and not fill:
            record["gradcheck"] = _gradcheck(function, call, plan["gradcheck"])
        calls.append(record)
    return {"calls": calls}


def _gradcheck(function, call, checks):
    """None, or the first line of what torch's gradcheck (or gradgradcheck) found wrong."""
    roots, (args, kwargs) = _on_device(call["args"], call["kwargs"], call["needs_grad"])
    leaves, spec = tree_flatten((args, kwargs))
    wired = [i for i, flag in enumerate(call["needs_grad"]) if flag]

    def f(*inputs):
        values = list(leaves)
        for i, x in zip(wired, inputs):
            values[i] = x
        a, k = tree_unflatten(values, spec)
        return function(*a, **k)

    inputs = tuple(roots[i].detach().double().requires_grad_() for i in wired)
    for name in checks:
        check = getattr(torch.autograd, name)
        _, _, problem = _traced(check, f, inputs, raise_exception=True)
        if problem:
            return {"check": name, **problem}
    return None


RUNNERS = {
    "layer": run_layer,
    "raises": run_raises,
    "dropout": run_dropout,
    "function": run_function,
}
