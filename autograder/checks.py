"""The check engine: compare a learner's layer with its torch reference.

An exercise declares *what* to compare (the learner's class, the reference, the configurations
to try, the ops it must not call); the functions here do the comparing and raise
:class:`CheckFailed` with a message a learner can act on. Imports nothing but torch and the
standard library, so it runs in any kernel: a laptop, a grading sandbox, a GPU machine.
"""

import builtins
import contextlib
import math
import types
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch

from .guard import forbidden_calls, trace_ops

DEVICE = torch.device("cuda" if torch.cuda.is_available() else "cpu")
DTYPE = torch.float64
TOLERANCES = {torch.float64: (1e-6, 1e-8), torch.float32: (1e-4, 1e-5)}  # rtol, atol
SEED = 1234

if DEVICE.type == "cuda":  # TF32 would make float32 matmuls too loose for the tolerances above
    torch.backends.cuda.matmul.allow_tf32 = False
    torch.backends.cudnn.allow_tf32 = False


class CheckFailed(AssertionError):
    """A learner's layer disagrees with its reference; the message says where and how."""


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
    """

    init: dict = field(default_factory=dict)
    input: Any = (2, 3)
    hint: str = ""
    label: str = ""

    def make_inputs(self):
        made = torch.randn(*self.input) if isinstance(self.input, tuple) else self.input()
        inputs = made if isinstance(made, tuple) else (made,)
        return tuple(x.to(DEVICE, DTYPE if x.is_floating_point() else x.dtype) for x in inputs)

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


def _fail(where, what, hint=""):
    __tracebackhide__ = True  # learners see the message, not the engine
    message = f"{where}: {what}"
    if hint:
        message += f" Hint: {hint}"
    raise CheckFailed(message)


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
                f"{what} should be a tuple of {len(expected)}, got {type(got).__name__}.",
            )
        for i, (g, e) in enumerate(zip(got, expected)):
            assert_close(g, e, where, f"{what}[{i}]", hint, dtype)
        return
    if expected is None:
        if got is not None:
            _fail(where, f"{what} should be None, got {type(got).__name__}.", hint)
        return
    if not isinstance(got, torch.Tensor):
        _fail(where, f"{what} should be a tensor, got {type(got).__name__}.", hint)
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


def count_parameters(module):
    """Number of trainable numbers in a module, each shared parameter counted once."""
    return sum(p.numel() for p in module.parameters())


def _shapes(named):
    return {name: tuple(t.shape) for name, t in named if t is not None}


def _check_structure(mine, ref, where):
    __tracebackhide__ = True  # learners see the message, not the engine
    for kind, got, expected in [
        (
            "parameters",
            _shapes(mine.named_parameters()),
            _shapes(ref.named_parameters()),
        ),
        ("buffers", _shapes(mine.named_buffers()), _shapes(ref.named_buffers())),
    ]:
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
            if got[name] != shape:
                _fail(
                    where,
                    f"{kind[:-1]} '{name}' has shape {got[name]}, expected {shape}.",
                )
    if count_parameters(mine) != count_parameters(ref):
        _fail(
            where,
            f"has {count_parameters(mine)} parameters, expected {count_parameters(ref)}.",
        )


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


def _swap_state(mine, ref, where):
    __tracebackhide__ = True  # learners see the message, not the engine
    _randomize(ref)
    for target, source, direction in [
        (mine, ref, "torch's state_dict into your layer"),
        (ref, mine, "your state_dict into torch's layer"),
    ]:
        try:
            target.load_state_dict(source.state_dict(), strict=True)
        except Exception as error:  # a learner's layer may fail in any way
            _fail(where, f"loading {direction} failed: {error}")


def _run_forward(module, inputs, where, forbidden, what="forward"):
    __tracebackhide__ = True  # learners see the message, not the engine
    try:
        with trace_ops() as seen:
            out = module(*inputs)
    except CheckFailed:
        raise
    except Exception as error:
        _fail(where, f"{what} raised {type(error).__name__}: {error}")
    called = forbidden_calls(seen, forbidden)
    if called:
        _fail(
            where,
            f"your layer called {', '.join(called)}, the operation this exercise asks you to "
            "build yourself.",
            "write it from tensor primitives (arithmetic, mean, sum, indexing, reshape).",
        )
    return out


def _tensors(out):
    """The floating-point tensors of an output (a tensor or a tuple), the ones with gradients."""
    items = out if isinstance(out, (tuple, list)) else (out,)
    return [t for t in items if isinstance(t, torch.Tensor) and t.is_floating_point()]


def _weighted_sum(outputs, grads):
    return sum((t * g).sum() for t, g in zip(outputs, grads))


def _compare_step(mine, ref, case, where, forbidden, hint, backward=True):
    """One forward (and backward) pass through both layers on the same inputs."""
    __tracebackhide__ = True  # learners see the message, not the engine
    inputs = case.make_inputs()
    mine_in = tuple(x.clone().requires_grad_(backward and x.is_floating_point()) for x in inputs)
    ref_in = tuple(x.clone().requires_grad_(backward and x.is_floating_point()) for x in inputs)
    # Layers see copies of the leaves, so in-place layers work and gradients reach the leaves.
    ref_seen = tuple(x * 1 if x.requires_grad else x for x in ref_in)
    mine_seen = tuple(x * 1 if x.requires_grad else x for x in mine_in)
    expected = ref(*ref_seen)
    got = _run_forward(mine, mine_seen, where, forbidden)
    assert_close(got, expected, where, "output", hint)
    assert_close(
        mine_seen,
        ref_seen,
        where,
        "input after forward",
        "change the input in place only when inplace=True.",
    )
    if not backward:
        return
    if not any(t.requires_grad for t in _tensors(expected)):
        return
    grads = [torch.randn_like(t) for t in _tensors(expected)]
    _weighted_sum(_tensors(expected), grads).backward()
    try:
        _weighted_sum(_tensors(got), grads).backward()
    except Exception as error:
        _fail(where, f"backward raised {type(error).__name__}: {error}")
    for i, (x_mine, x_ref) in enumerate(zip(mine_in, ref_in)):
        if x_ref.grad is not None:
            if x_mine.grad is None:
                _fail(
                    where,
                    f"no gradient reached input {i}.",
                    "avoid .detach() and .data.",
                )
            assert_close(x_mine.grad, x_ref.grad, where, f"gradient of input {i}", hint)
    mine_params = dict(mine.named_parameters())
    for name, p in ref.named_parameters():
        if p.grad is not None:
            got_grad = mine_params[name].grad
            if got_grad is None:
                _fail(where, f"parameter '{name}' got no gradient.", "use it in forward.")
            assert_close(got_grad, p.grad, where, f"gradient of '{name}'", hint)
    mine.zero_grad(set_to_none=True)
    ref.zero_grad(set_to_none=True)


def _compare_buffers(mine, ref, where, hint):
    __tracebackhide__ = True  # learners see the message, not the engine
    buffers = dict(mine.named_buffers())
    for name, expected in ref.named_buffers():
        if expected is None:
            continue
        got = buffers[name]
        if not expected.is_floating_point():
            if int(got) != int(expected):
                _fail(
                    where,
                    f"buffer '{name}' is {int(got)}, expected {int(expected)}.",
                    hint,
                )
            continue
        assert_close(got, expected, where, f"buffer '{name}'", hint)


def _build(cls, init, where):
    __tracebackhide__ = True  # learners see the message, not the engine
    try:
        module = cls(**init)
    except Exception as error:
        _fail(where, f"could not be built: {type(error).__name__}: {error}")
    if not isinstance(module, torch.nn.Module):
        _fail(where, "should be an nn.Module subclass.")
    return module.to(DEVICE, DTYPE)


def check_layer(
    learner,
    reference,
    cases,
    forbidden=(),
    hints=None,
    train_steps=2,
    compare_init=True,
    quiet=False,
):
    """Compare ``learner`` with ``reference`` on every case; raise CheckFailed on the first miss.

    For each case both layers are built with the same arguments and seed, then compared on:
    parameter and buffer names, shapes and count; initial values (``compare_init``); loading
    each other's ``state_dict``; ``train_steps`` forward/backward passes in train mode
    (outputs, input and parameter gradients, buffers such as running statistics); and a forward
    pass in eval mode. ``forbidden`` names torch functions or aten ops the learner must not run.
    ``hints`` maps an aspect ("structure", "init", "train", "buffers", "eval") to a hint.
    """
    __tracebackhide__ = True  # learners see the message, not the engine
    verify_integrity()
    hints = hints or {}
    for case in cases:
        where = case.describe(learner.__name__)
        with seeded():
            ref = _build(reference, case.init, where)
        with seeded():
            mine = _build(learner, case.init, where)
        _check_structure(mine, ref, where)
        if compare_init:
            for name, expected in ref.state_dict().items():
                got = mine.state_dict()[name]
                assert_close(
                    got.double(),
                    expected.double(),
                    where,
                    f"initial '{name}'",
                    case.hint or hints.get("init", ""),
                )
        _swap_state(mine, ref, where)
        mine.train()
        ref.train()
        for step in range(1, train_steps + 1):
            with seeded(SEED + step):
                _compare_step(
                    mine,
                    ref,
                    case,
                    f"{where} [train mode, step {step}]",
                    forbidden,
                    case.hint or hints.get("train", ""),
                )
            _compare_buffers(
                mine,
                ref,
                f"{where} [after {step} training step(s)]",
                case.hint or hints.get("buffers", ""),
            )
        mine.eval()
        ref.eval()
        with seeded(SEED + 100):
            _compare_step(
                mine,
                ref,
                case,
                f"{where} [eval mode]",
                forbidden,
                case.hint or hints.get("eval", ""),
            )
        _compare_buffers(
            mine,
            ref,
            f"{where} [eval mode]",
            "eval mode must not change running statistics.",
        )
    if not quiet:
        print(f"✓ {learner.__name__} matches {_name(reference)} on {len(cases)} configuration(s).")


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
        p = case.init.get("p", 0.5)
        ref = _build(reference, case.init, where)
        mine = _build(learner, case.init, where)
        _check_structure(mine, ref, where)
        with seeded():
            x = case.make_inputs()[0].abs() + 0.5
        mine.eval()
        got = _run_forward(mine, (x.clone(),), f"{where} [eval mode]", forbidden)
        assert_close(got, x, f"{where} [eval mode]", hint="dropout does nothing in eval mode.")
        mine.train()
        leaf = x.clone().requires_grad_()
        with seeded():
            inp = leaf * 1
            got = _run_forward(mine, (inp,), f"{where} [train mode]", forbidden)
            again = _run_forward(mine, (x.clone(),), f"{where} [train mode]", forbidden)
        _check_dropout_values(got, x, p, where, whole_channels)
        if case.init.get("inplace", False):
            assert_close(
                inp,
                got,
                where,
                "input after an in-place call",
                "with inplace=True, write the result into the input tensor.",
            )
        if 0 < p < 1 and bool(((got == 0) == (again == 0)).all()):
            _fail(
                where,
                "two calls dropped exactly the same units.",
                "draw a new random mask on every forward call.",
            )
        if got.requires_grad:
            g = torch.randn_like(got)
            (got * g).sum().backward()
            scale = 0.0 if p == 1 else 1 / (1 - p)
            assert_close(
                leaf.grad,
                g * (got.detach() != 0) * scale,
                where,
                "input gradient",
                "the gradient flows through kept units, scaled by 1/(1-p).",
            )
    if not quiet:
        print(
            f"✓ {learner.__name__} behaves like {_name(reference)} on {len(cases)} "
            "configuration(s)."
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
