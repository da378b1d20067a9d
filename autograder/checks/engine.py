"""The check engine: compare a learner's layer or function with its torch reference.

An exercise declares *what* to compare (the learner's class, the reference, the configurations
to try, the ops it must not call); the functions here do the comparing and raise
:class:`CheckFailed` with a message a learner can act on. Imports nothing but torch and the
standard library, so it runs in any kernel: a laptop, a grading sandbox, a GPU machine.

Every check is split in two, so that the verdict need not be computed where learner code runs:

- a *runner* drives one object (the learner's, or the reference) through a *plan* (constructor
  arguments, inputs, states to load, output gradients) and returns a *record* of raw results:
  plain data and CPU tensors, nothing else;
- a *judge* compares the learner's record with the reference's and explains the first difference.

In a notebook both run in the kernel. In grading, the learner's object is a :class:`Remote`: its
runner works in a sandboxed process that holds the learner's code, and the judge in a trusted one.
"""

import builtins
import contextlib
import math
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
from torch.utils._pytree import tree_flatten, tree_map

from .guard import TraceDefeated, forbidden_calls, trace_ops

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
DTYPE = torch.float64
TOLERANCES = {torch.float64: (1e-6, 1e-8), torch.float32: (1e-4, 1e-5)}  # rtol, atol
SEED = 1234
MESSAGE_CHARS = 300  # the longest learner-made text (an exception message) a record keeps

if DEVICE.type == "cuda":  # TF32 would make float32 matmuls too loose for the tolerances above
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False


class CheckFailed(AssertionError):
    """A learner's layer disagrees with its reference; the message says where and how.

    ``reason`` says what kind of miss it is (``"mismatch"``, ``"forbidden-op"``, ...).
    ``finding`` names what happened when it is more than a wrong answer (for example
    ``"trace-defeated"``): grading flags such a submission for a person to review.
    """

    def __init__(self, message, finding=None, reason="mismatch"):
        super().__init__(message)
        self.finding, self.reason = finding, reason


# What the verdicts rest on, captured when the engine is first imported (before learner code
# runs in a graded notebook). verify_integrity() refuses to check if any of it was replaced.
TRUSTED = {
    **{
        f"builtins.{n}": getattr(builtins, n)
        for n in (
            "isinstance",
            "len",
            "any",
            "all",
            "abs",
            "bool",
            "int",
            "float",
            "sum",
            "zip",
            "tuple",
            "sorted",
            "set",
            "getattr",
            "print",
            "type",
            "repr",
            "range",
        )
    },
    **{
        f"torch.{n}": getattr(torch, n)
        for n in ("isclose", "randn_like", "rand_like", "zeros_like", "manual_seed")
    },
    **{
        f"torch.Tensor.{n}": getattr(torch.Tensor, n)
        for n in (
            "any",
            "all",
            "nonzero",
            "abs",
            "max",
            "item",
            "double",
            "to",
            "detach",
            "clone",
            "backward",
            "sum",
            "mean",
            "__sub__",
            "__mul__",
            "__eq__",
            "__ne__",
            "__invert__",
            "nan_to_num",
            "is_floating_point",
            "requires_grad_",
        )
    },
    **{
        f"torch.nn.Module.{n}": getattr(torch.nn.Module, n)
        for n in (
            "state_dict",
            "load_state_dict",
            "named_parameters",
            "named_buffers",
            "parameters",
            "train",
            "eval",
            "zero_grad",
            "__call__",
        )
    },
}
TORCH_DIR = str(Path(torch.__file__).parent)
NATIVE = (
    types.BuiltinFunctionType,
    types.MethodDescriptorType,
    types.WrapperDescriptorType,
    types.MethodWrapperType,
)


def _genuine(obj):
    """True for C functions and types, and for Python functions defined inside torch itself."""
    if isinstance(obj, NATIVE) or (isinstance(obj, type) and obj.__module__ == "builtins"):
        return True
    code = getattr(getattr(obj, "__func__", obj), "__code__", None)
    return code is not None and code.co_filename.startswith(TORCH_DIR)


def _lookup(name):
    root, *rest = name.split(".")
    obj = builtins if root == "builtins" else torch
    for part in rest:
        obj = getattr(obj, part)
    return obj


def verify_integrity():
    """Refuse to check when something the verdict rests on was replaced or never genuine."""
    __tracebackhide__ = True  # learners see the message, not the engine
    for name, original in TRUSTED.items():
        current = _lookup(name)  # torch itself may wrap a function (functools.wraps) later on
        if original not in (current, getattr(current, "__wrapped__", None)) or not _genuine(
            original
        ):
            raise CheckFailed(
                f"grading refused: {name} has been replaced in this kernel. Checks run only on "
                "untouched torch and builtins; remove the code that patches it."
            )


@dataclass
class Case:
    """One configuration to try.

    ``init`` holds the constructor arguments given to both layers. ``input`` is the input shape,
    or a function of no arguments returning a tensor (or a tuple of tensors) on the CPU.
    ``hint`` is shown when this case fails; ``label`` replaces the printed input shape.
    ``raises`` names the exception torch raises on this input (the learner's must raise it too).
    ``args``/``kwargs`` are the arguments of a :func:`check_function` call.
    """

    init: dict = field(default_factory=dict)
    input: Any = (2, 3)
    hint: str = ""
    label: str = ""
    raises: type = None
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)

    def make_inputs(self):
        made = torch.randn(*self.input) if isinstance(self.input, tuple) else self.input()
        inputs = made if isinstance(made, tuple) else (made,)
        return tuple(x.to(DTYPE) if x.is_floating_point() else x for x in inputs)

    def describe(self, cls_name):
        args = ", ".join(f"{k}={_short(v)}" for k, v in self.init.items())
        shape = self.label or "input of shape " + (
            str(tuple(self.input)) if isinstance(self.input, tuple) else "(custom)"
        )
        return f"{cls_name}({args}) on {shape}"


def _short(value):
    """repr for a constructor argument; a tensor is shown by its shape only."""
    if isinstance(value, torch.Tensor):
        return f"<tensor of shape {tuple(value.shape)}>"
    return repr(value)


@contextlib.contextmanager
def seeded(seed=SEED):
    """Run a block with torch's CPU (and CUDA) generators seeded, restoring them after."""
    devices = [torch.cuda.current_device()] if DEVICE.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def _fail(where, what, hint="", finding=None, reason="mismatch"):
    __tracebackhide__ = True  # learners see the message, not the engine
    message = f"{where}: {what}"
    if hint:
        message += f" Hint: {hint}"
    raise CheckFailed(message, finding, reason)


def _fmt(value):
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


def assert_close(got, expected, where, what="output", hint="", dtype=DTYPE):
    """Compare two tensors (or nested tuples of tensors) and explain the first difference."""
    __tracebackhide__ = True  # learners see the message, not the engine
    verify_integrity()
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            _fail(
                where,
                f"{what} should be a tuple of {len(expected)}, got {_kind(got)}.",
            )
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_close(g, e, where, f"{what}[{i}]", hint, dtype)
        return
    if expected is None:
        if got is not None:
            _fail(where, f"{what} should be None, got {_kind(got)}.", hint)
        return
    if not isinstance(got, torch.Tensor):
        _fail(where, f"{what} should be a tensor, got {_kind(got)}.", hint)
    if tuple(got.shape) != tuple(expected.shape):
        _fail(
            where,
            f"{what} has shape {tuple(got.shape)}, expected {tuple(expected.shape)}.",
            hint,
        )
    rtol, atol = TOLERANCES[dtype]
    got_, expected_ = (
        got.detach().to(expected.device, torch.float64),
        expected.detach().double(),
    )
    bad = ~torch.isclose(got_, expected_, rtol=rtol, atol=atol, equal_nan=True)
    if bool(bad.any()):
        index = tuple(int(i) for i in bad.nonzero()[0])
        error = (got_ - expected_).abs().nan_to_num(nan=math.inf).max().item()
        _fail(
            where,
            f"{what} differs at {list(index)}: expected {_fmt(expected_[index].item())}, "
            f"got {_fmt(got_[index].item())} (max error {error:.3g} > tolerance "
            f"{atol:g} + {rtol:g}·|expected|).",
            hint,
        )


def _kind(value):
    """The type name of a value, or of what a record stood in for (see :func:`_plain`)."""
    if isinstance(value, dict) and set(value) == {"unsupported"}:
        return str(value["unsupported"])
    return type(value).__name__


def count_parameters(module):
    """Number of trainable numbers in a module, each shared parameter counted once."""
    return sum(p.numel() for p in module.parameters())


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


# ---- runners: drive one object through a plan, return raw results ------------------------


def _plain(value):
    """A record's copy of a value: tensors detached on the CPU, containers rebuilt, anything
    else replaced by the name of its type, so that a record holds plain data only."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().clone().as_subclass(torch.Tensor)
    if isinstance(value, (tuple, list)):
        return (list if isinstance(value, list) else tuple)(_plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if value is None or type(value) in (bool, int, float, str):
        return value
    return {"unsupported": type(value).__name__}


def _error(error):
    return f"{type(error).__name__}: {error}"[:MESSAGE_CHARS]


def _shapes(named):
    return {name: list(t.shape) for name, t in named if t is not None}


def _inspect(module, record):
    record["parameters"] = _shapes(module.named_parameters())
    record["buffers"] = _shapes(module.named_buffers())
    record["count"] = count_parameters(module)
    record["initial"] = _plain(module.state_dict())


def _randomize(module):
    """Give a module's parameters and buffers random values of their kind.

    Parameters get normal values; floating buffers (running statistics, random samples) get
    uniform values in [0, 1), variances in [0.5, 1.5); integer buffers (step counters) get 3.
    """
    with torch.no_grad():
        for p in module.parameters():
            p.copy_(torch.randn_like(p))
        for name, t in module.named_buffers():
            if t is None:
                continue
            if t.is_floating_point():
                t.copy_(torch.rand_like(t) + (0.5 if name.endswith("var") else 0.0))
            else:
                t.fill_(3)


def _build(factory, init, record):
    """The module ``factory(**init)`` on the device, or None with the reason in ``record``."""
    init = tree_map(lambda v: v.clone() if isinstance(v, torch.Tensor) else v, init)
    try:
        with seeded():
            module = factory(**init)
        if not isinstance(module, torch.nn.Module):
            record["error"] = "should be an nn.Module subclass."
            return None
        return module.to(DEVICE, DTYPE)
    except Exception as error:  # a learner's layer may fail in any way
        record["error"] = f"could not be built: {_error(error)}"
        return None


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
            {"error": _error(error), "types": [c.__name__ for c in type(error).__mro__]},
        )
    return result, sorted(seen), {}


def _pin(module, values):
    with torch.no_grad():
        params = dict(module.named_parameters())
        for name, value in values.items():
            params[name].copy_(value)


def _floating(out):
    return [
        t for t in tree_flatten(out)[0] if isinstance(t, torch.Tensor) and t.is_floating_point()
    ]


def _layer_step(module, step, plan, fill):
    """One planned forward (and backward) pass; fills in the output gradients if ``fill``."""
    module.train(step["train"])
    leaves = [x.to(DEVICE).clone().requires_grad_(x.is_floating_point()) for x in step["inputs"]]
    seen = [x * 1 if x.requires_grad else x for x in leaves]  # in-place layers work on copies
    if plan.get("pin"):
        _pin(module, plan["pin"])
    with seeded(step["seed"]):  # the reference (``fill``) needs no op trace
        out, ops, problem = (module(*seen), [], {}) if fill else _traced(module, *seen)
    record = {"ops": ops, **problem}
    if problem:
        return record
    record |= {"out": _plain(out), "input_after": _plain(seen)}
    tensors = _floating(out)
    if fill:
        with seeded(step["seed"] + 50):
            step["grads"] = [torch.randn_like(t).cpu() for t in tensors]
    record["has_grad"] = any(t.requires_grad for t in tensors)
    if record["has_grad"]:
        try:
            sum((t * g.to(t)).sum() for t, g in zip(tensors, step["grads"])).backward()
        except Exception as error:
            record["backward_error"] = _error(error)
            return record
    record["input_grads"] = [_plain(x.grad) for x in leaves]
    record["param_grads"] = {n: _plain(p.grad) for n, p in module.named_parameters()}
    module.zero_grad(set_to_none=True)
    record["buffers"] = _plain(dict(module.named_buffers()))
    return record


def run_layer(factory, plan, fill=False):
    """The record of one :func:`check_layer` case: build, inspect, load the planned state,
    then run the planned steps. With ``fill`` (the reference) the plan's random state and output
    gradients are drawn here and written into the plan for the learner's run."""
    record = {"steps": []}
    module = _build(factory, plan["init"], record)
    if module is None:
        return record
    try:
        _inspect(module, record)
        if fill:
            with seeded(SEED - 1):
                _randomize(module)
            plan["state"] = _plain(module.state_dict())
        module.load_state_dict(plan["state"], strict=True)
    except Exception as error:
        record["load_error"] = _error(error)
        return record
    try:
        record["state"] = _plain(module.state_dict())
    except Exception as error:
        record["load_error"] = _error(error)
        return record
    for step in plan["steps"]:
        try:
            result = _layer_step(module, step, plan, fill)
        except Exception as error:
            result = {"error": _error(error), "types": []}
        record["steps"].append(result)
        if set(result) & {"error", "defeated", "backward_error"}:
            break
    return record


def run_raises(factory, plan, fill=False):
    """The record of a case whose input torch refuses: which exception the forward raised."""
    record = {}
    module = _build(factory, plan["init"], record)
    if module is not None:
        _, _, record["raised"] = _traced(module, *[x.to(DEVICE) for x in plan["inputs"]])
    return record


def run_dropout(factory, plan, fill=False):
    """The record of one :func:`check_dropout` case: an eval call and two train calls."""
    record = {}
    try:
        module = factory(**plan["init"]).to(DEVICE, DTYPE)
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
        record |= {"got": _plain(got), "again": _plain(again), "input_after": _plain(inp)}
        if isinstance(got, torch.Tensor) and got.requires_grad:
            (got * plan["grad"].to(got)).sum().backward()
        record["grad"] = _plain(leaf.grad)
        record["eval"] = _plain(record["eval"])
    except Exception as error:
        record["error"] = _error(error)
    return record


def run_function(function, plan, fill=False):
    """The record of :func:`check_function`: each planned call's result, or its exception."""
    calls = []
    for args, kwargs in plan["calls"]:
        result, ops, problem = _traced(function, *args, **kwargs)
        calls.append({"result": _plain(result), "ops": ops, **problem})
    return {"calls": calls}


RUNNERS = {"layer": run_layer, "raises": run_raises, "dropout": run_dropout}
RUNNERS["function"] = run_function


@contextlib.contextmanager
def _judging(learner, where):
    """Judge a record; a Remote's record that the judge cannot read fails (and is flagged)."""
    __tracebackhide__ = True  # learners see the message, not the engine
    try:
        yield
    except (KeyError, TypeError, IndexError, AttributeError, ValueError) as error:
        if not isinstance(learner, Remote):
            raise
        _fail(
            where,
            f"grading could not read the results your code sent back ({_error(error)}).",
            finding="malformed-record",
        )


def _learner_record(learner, kind, plan):
    """The learner's record: from its own process when it is a :class:`Remote`, else here."""
    if isinstance(learner, Remote):
        return learner.run(kind, plan)
    return RUNNERS[kind](learner, plan)


# ---- judges: compare a learner's record with the reference's ------------------------------


def _judge_structure(mine, ref, where):
    __tracebackhide__ = True  # learners see the message, not the engine
    for kind in ("parameters", "buffers"):
        got, expected = mine[kind], ref[kind]
        missing = sorted(set(expected) - set(got))
        extra = sorted(set(got) - set(expected))
        if missing or extra:
            _fail(
                where,
                f"{kind} are named {sorted(got)}, expected {sorted(expected)} "
                f"(missing {missing}, unexpected {extra}).",
                "use torch's names so that torch weights load into your layer.",
            )
        for name, shape in expected.items():
            if list(got[name]) != list(shape):
                _fail(
                    where,
                    f"{kind[:-1]} '{name}' has shape {tuple(got[name])}, expected {tuple(shape)}.",
                )
    if mine["count"] != ref["count"]:
        _fail(where, f"has {mine['count']} parameters, expected {ref['count']}.")


def _judge_init(mine, ref, where, hint):
    __tracebackhide__ = True  # learners see the message, not the engine
    for name, expected in ref["initial"].items():
        if name not in mine["initial"]:
            _fail(where, f"state_dict has no '{name}'.", hint)
        got = mine["initial"][name]
        assert_close(
            got.double() if isinstance(got, torch.Tensor) else got,
            expected.double(),
            where,
            f"initial '{name}'",
            hint,
        )


def _judge_reload(reference, init, state, where):
    """Torch's layer must load the learner's state_dict, strictly."""
    __tracebackhide__ = True  # learners see the message, not the engine
    with seeded():
        fresh = reference(**init).to(DEVICE, DTYPE)
    try:
        fresh.load_state_dict(state, strict=True)
    except Exception as error:  # whatever the learner's state_dict holds
        _fail(where, f"loading your state_dict into torch's layer failed: {_error(error)}")


def _judge_call(got, where, forbidden):
    """Fail when a traced call raised, defeated the trace, or ran a forbidden op."""
    __tracebackhide__ = True  # learners see the message, not the engine
    if "defeated" in got:
        _fail(where, f"grading could not watch your code: {got['defeated']}.", "", "trace-defeated")
    if "error" in got:
        _fail(where, f"forward raised {got['error']}")
    called = forbidden_calls(set(got["ops"]), forbidden)
    if called:
        _fail(
            where,
            f"your code called {', '.join(called)}, the operation this exercise asks you to "
            "build yourself.",
            "write it from tensor primitives (arithmetic, mean, sum, indexing, reshape).",
            reason="forbidden-op",
        )


def _judge_step(got, expected, where, forbidden, hint):
    __tracebackhide__ = True  # learners see the message, not the engine
    _judge_call(got, where, forbidden)
    assert_close(got["out"], expected["out"], where, "output", hint)
    assert_close(
        got["input_after"],
        expected["input_after"],
        where,
        "input after forward",
        "change the input in place only when inplace=True.",
    )
    if not expected["has_grad"]:
        return
    if "backward_error" in got:
        _fail(where, f"backward raised {got['backward_error']}")
    for i, grad in enumerate(expected["input_grads"]):
        if grad is not None:
            if got["input_grads"][i] is None:
                _fail(where, f"no gradient reached input {i}.", "avoid .detach() and .data.")
            assert_close(got["input_grads"][i], grad, where, f"gradient of input {i}", hint)
    for name, grad in expected["param_grads"].items():
        if grad is not None:
            if got["param_grads"].get(name) is None:
                _fail(where, f"parameter '{name}' got no gradient.", "use it in forward.")
            assert_close(got["param_grads"][name], grad, where, f"gradient of '{name}'", hint)


def _judge_buffers(got, expected, where, hint):
    __tracebackhide__ = True  # learners see the message, not the engine
    for name, buffer in expected.items():
        if name not in got:
            _fail(where, f"buffer '{name}' is missing.", hint)
        if not buffer.is_floating_point() and buffer.numel() == 1:
            if not isinstance(got[name], torch.Tensor) or int(got[name]) != int(buffer):
                _fail(
                    where,
                    f"buffer '{name}' is {_short_value(got[name])}, expected {int(buffer)}.",
                    hint,
                )
            continue
        assert_close(got[name], buffer, where, f"buffer '{name}'", hint)


def _short_value(value):
    return int(value) if isinstance(value, torch.Tensor) and value.numel() == 1 else _kind(value)


def _steps(case, train_steps):
    """The planned passes of one case: ``train_steps`` in train mode, then one in eval mode."""
    steps = []
    for step, train in [(s, True) for s in range(1, train_steps + 1)] + [(100, False)]:
        with seeded(SEED + step):
            steps.append({"train": train, "seed": SEED + step, "inputs": case.make_inputs()})
    return steps


def _where_step(where, step, number):
    return f"{where} [train mode, step {number}]" if step["train"] else f"{where} [eval mode]"


def _where_buffers(where, step, number):
    if step["train"]:
        return f"{where} [after {number} training step(s)]"
    return f"{where} [eval mode]"


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
):
    """Compare ``learner`` with ``reference`` on every case; raise CheckFailed on the first miss.

    For each case both layers are built with the same arguments and seed, then compared on:
    parameter and buffer names, shapes and count; initial values (``compare_init``); loading
    each other's ``state_dict``; ``train_steps`` forward/backward passes in train mode
    (outputs, input and parameter gradients, buffers such as running statistics); and a forward
    pass in eval mode. ``forbidden`` names torch functions or aten ops the learner must not run.
    ``hints`` maps an aspect ("structure", "init", "train", "buffers", "eval") to a hint.
    ``pin`` maps parameter names to values both layers are given before every forward.
    A case with ``raises`` checks only that the learner's forward raises that exception too.
    """
    __tracebackhide__ = True  # learners see the message, not the engine
    verify_integrity()
    hints = hints or {}
    for case in cases:
        where = case.describe(learner.__name__)
        if case.raises:
            _check_raises(learner, reference, case, where)
            continue
        plan = {"init": case.init, "steps": _steps(case, train_steps), "pin": pin or {}}
        expected = run_layer(reference, plan, fill=True)
        broken = set(expected) & {"error", "load_error"} or any(
            set(step) & {"error", "backward_error"} for step in expected["steps"]
        )
        if broken or len(expected["steps"]) != len(plan["steps"]):
            raise RuntimeError(f"the reference itself fails on {where}: {expected}")
        got = _learner_record(learner, "layer", plan)
        with _judging(learner, where):
            _judge_layer(
                got, expected, plan, reference, case, where, forbidden, hints, compare_init
            )
    if not quiet:
        print(f"✓ {learner.__name__} matches {_name(reference)} on {len(cases)} configuration(s).")


def _judge_layer(got, expected, plan, reference, case, where, forbidden, hints, compare_init):
    """Compare one case's records in the order a learner fixes things: structure, initial
    values, state_dict both ways, then every pass (outputs, gradients, buffers)."""
    __tracebackhide__ = True  # learners see the message, not the engine
    if got.get("error"):
        _fail(where, got["error"])
    _judge_structure(got, expected, where)
    if compare_init:
        _judge_init(got, expected, where, case.hint or hints.get("init", ""))
    if got.get("load_error"):
        _fail(where, f"loading torch's state_dict into your layer failed: {got['load_error']}")
    _judge_reload(reference, case.init, got["state"], where)
    for number, (step, ref_step) in enumerate(zip(plan["steps"], expected["steps"]), 1):
        aspect = "train" if step["train"] else "eval"
        mine = got["steps"][number - 1]
        where_step = _where_step(where, step, number)
        _judge_step(mine, ref_step, where_step, forbidden, case.hint or hints.get(aspect, ""))
        buffers_hint = (
            case.hint or hints.get("buffers", "")
            if step["train"]
            else "eval mode must not change running statistics."
        )
        where_buffers = _where_buffers(where, step, number)
        _judge_buffers(mine["buffers"], ref_step["buffers"], where_buffers, buffers_hint)


def _check_raises(learner, reference, case, where):
    __tracebackhide__ = True  # learners see the message, not the engine
    plan = {"init": case.init, "inputs": case.make_inputs()}
    expected = run_raises(reference, plan)
    wanted = case.raises.__name__
    if wanted not in expected.get("raised", {}).get("types", []):
        raise RuntimeError(f"the reference does not raise {wanted} on {where}: {expected}")
    got = _learner_record(learner, "raises", plan)
    with _judging(learner, where):
        if got.get("error"):
            _fail(where, got["error"])
        raised = got["raised"]
        if wanted not in raised.get("types", []):
            what = f"raised {raised['error']}" if "error" in raised else "returned an output"
            _fail(where, f"should raise {wanted}, as torch does; it {what}.", case.hint)


def _name(reference):
    module = getattr(reference, "__module__", "")
    prefix = "nn." if module.startswith("torch.nn") else ""
    return prefix + getattr(reference, "__name__", repr(reference))


def check_dropout(learner, reference, cases, whole_channels=False, forbidden=(), quiet=False):
    """Check a dropout layer by its defining properties, since its random masks are its own.

    In train mode every output is either 0 or ``x / (1 - p)``, about a fraction ``p`` of the
    units is dropped (a unit is an element, or a whole channel when ``whole_channels``), each
    call draws a new mask, and the gradient flows through the kept units only. In eval mode
    the layer is the identity. Inputs are made non-zero so that dropped units show.
    """
    __tracebackhide__ = True  # learners see the message, not the engine
    verify_integrity()
    for case in cases:
        where = case.describe(learner.__name__)
        with seeded():
            x = case.make_inputs()[0].abs() + 0.5
            plan = {"init": case.init, "x": x, "grad": torch.randn_like(x)}
        expected = run_dropout(reference, plan)
        got = _learner_record(learner, "dropout", plan)
        with _judging(learner, where):
            _judge_dropout(got, expected, plan, case, where, whole_channels, forbidden)
    if not quiet:
        print(
            f"✓ {learner.__name__} behaves like {_name(reference)} on {len(cases)} "
            "configuration(s)."
        )


def _judge_dropout(got, expected, plan, case, where, whole_channels, forbidden):
    __tracebackhide__ = True  # learners see the message, not the engine
    x, p = plan["x"], case.init.get("p", 0.5)
    if got.get("error"):
        _fail(where, got["error"])
    _judge_structure(got, expected, where)
    _judge_call({"ops": got["eval_ops"], **got["eval_problem"]}, f"{where} [eval mode]", forbidden)
    assert_close(got["eval"], x, f"{where} [eval mode]", hint="dropout does nothing in eval mode.")
    _judge_call(
        {"ops": got["train_ops"], **got["train_problem"]}, f"{where} [train mode]", forbidden
    )
    output, again = got["got"], got["again"]
    _check_dropout_values(output, x, p, where, whole_channels)
    if case.init.get("inplace", False):
        assert_close(
            got["input_after"],
            output,
            where,
            "input after an in-place call",
            "with inplace=True, write the result into the input tensor.",
        )
    if not isinstance(again, torch.Tensor) or again.shape != x.shape:
        _fail(where, f"output should be a tensor of shape {tuple(x.shape)}.")
    if 0 < p < 1 and bool(((output == 0) == (again == 0)).all()):
        _fail(
            where,
            "two calls dropped exactly the same units.",
            "draw a new random mask on every forward call.",
        )
    if expected["grad"] is not None:
        scale = 0.0 if p == 1 else 1 / (1 - p)
        if got["grad"] is None:
            _fail(where, "no gradient reached the input.", "avoid .detach() and .data.")
        assert_close(
            got["grad"],
            plan["grad"] * (output != 0) * scale,
            where,
            "input gradient",
            "the gradient flows through kept units, scaled by 1/(1-p).",
        )


def _check_dropout_values(got, x, p, where, whole_channels):
    __tracebackhide__ = True  # learners see the message, not the engine
    where = f"{where} [train mode]"
    if not isinstance(got, torch.Tensor) or got.shape != x.shape:
        _fail(where, f"output should be a tensor of shape {tuple(x.shape)}.")
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
    units = kept.flatten(2).any(-1) if whole_channels else kept
    if whole_channels and bool((kept.flatten(2).any(-1) != kept.flatten(2).all(-1)).any()):
        _fail(
            where,
            "some channels are only partly zeroed.",
            "Dropout2d keeps or drops each (sample, channel) map as a whole.",
        )
    if not whole_channels and x.dim() > 2 and x[0, 0].numel() > 1 and p > 0:
        per_map = kept.flatten(2)
        if bool((per_map.any(-1) == per_map.all(-1)).all()):
            _fail(where, "drops whole channels.", "nn.Dropout drops single elements.")
    if units.dim() > 1 and units.shape[0] > 1 and 0 < p < 1 and bool((units == units[:1]).all()):
        _fail(
            where,
            "every sample in the batch got the same mask.",
            "draw the mask for the whole batch, not for one sample.",
        )
    n = units.numel()
    dropped = 1 - units.double().mean().item()
    spread = 5 * math.sqrt(p * (1 - p) / n) + 1e-9
    if abs(dropped - p) > spread:
        _fail(
            where,
            f"dropped {dropped:.3f} of the units, expected {p} ± {spread:.3f}.",
            "a unit is dropped with probability p (keep it when rand >= p).",
        )


def check_function(learner, reference, cases, forbidden=(), hint="", quiet=False):
    """Call ``learner`` and ``reference`` with each case's ``args``/``kwargs``; their results
    must be equal (tensors: within tolerance), and the learner must not run ``forbidden`` ops."""
    __tracebackhide__ = True  # learners see the message, not the engine
    verify_integrity()
    plan = {"calls": [(tuple(case.args), dict(case.kwargs)) for case in cases]}
    record = _learner_record(learner, "function", plan)
    with _judging(learner, learner.__name__):
        _judge_calls(learner.__name__, reference, cases, record, forbidden, hint)
    if not quiet:
        print(f"✓ {learner.__name__} agrees with {_name(reference)} on {len(cases)} call(s).")


def _judge_calls(name, reference, cases, record, forbidden, hint):
    __tracebackhide__ = True  # learners see the message, not the engine
    if len(record["calls"]) != len(cases):
        raise ValueError("the record does not answer every planned call")
    for case, got in zip(cases, record["calls"]):
        arguments = [repr(a) for a in case.args] + [f"{k}={v!r}" for k, v in case.kwargs.items()]
        where = case.label or f"{name}({', '.join(arguments)})"
        _judge_call(got, where, forbidden)
        expected = reference(*case.args, **case.kwargs)
        if tree_flatten(expected)[0] and all(
            isinstance(t, torch.Tensor) for t in tree_flatten(expected)[0]
        ):
            assert_close(
                got["result"],
                tree_map(torch.as_tensor, expected),
                where,
                "result",
                case.hint or hint,
            )
        elif type(got["result"]) is bool or got["result"] != expected:
            _fail(
                where,
                f"returned {_fmt(got['result'])}, expected {_fmt(expected)}.",
                case.hint or hint,
            )
