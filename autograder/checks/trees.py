"""Cases, and the trees they are made of: arguments in, outputs out, leaf by leaf.

A forward's arguments and its outputs may be any tree of tuples, lists and dicts holding
tensors (floating, integer, boolean), ``None``, numbers and strings: ``LSTM(x, (h0, c0))``
returns ``(output, (h_n, c_n))``. Leaves are found with ``torch.utils._pytree`` and named for
messages: an argument by the forward's parameter names (``hx[1]``), an output by the names an
exercise declares (``("output", ("h_n", "c_n"))``).
"""

import inspect
import math
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.utils._pytree import keystr, tree_flatten_with_path, tree_map

from .core import DTYPE, TOLERANCES, fail, verify_integrity


@dataclass
class Case:
    """One configuration to try.

    ``init``: the constructor arguments given to both layers. ``input``: the input's shape, or a
    function of no arguments returning the positional arguments (a tensor, or a tuple of any
    tree), drawn under a fixed seed. ``args``: positional arguments given as they are (for
    :func:`check_function`). ``kwargs``: keyword arguments, or a function returning them.
    ``grad``: the names of the floating arguments that get gradients (default: all of them).
    ``dtype``: float64, or float32 where a lesson promises float32 stability (float32
    tolerances). ``random``: the layer draws random numbers in train mode (dropout inside it),
    so training passes are judged by their properties; ``"always"``: in eval mode too
    (``FractionalMaxPool2d`` drawing its own windows). ``raises``: the exception torch raises
    here, which the learner's forward must raise too. ``build``: the class method that makes the
    layer from ``init`` (``"from_pretrained"``) instead of the constructor. ``hint`` is shown when
    this case fails;
    ``label`` replaces the description derived from the arguments. ``invariants`` maps a label to
    a function of the output tree whose value must be torch's even in a random pass
    (``output[-1] - h_n[-1]``: no dropout after a stack's last layer). ``model`` (for
    :func:`check_function`): an importable function of no arguments whose module, built under
    the call's seed, is the call's first argument (``count_parameters(model)``).
    """

    init: dict = field(default_factory=dict)
    input: Any = (2, 3)
    hint: str = ""
    label: str = ""
    raises: type = None
    args: tuple = ()
    kwargs: Any = field(default_factory=dict)
    grad: tuple = None
    dtype: torch.dtype = DTYPE
    random: bool | str = False
    build: str = ""
    invariants: dict = field(default_factory=dict)
    model: Any = None

    def arguments(self):
        """(args, kwargs) of one call, floating tensors in the case's dtype, on the CPU."""
        if self.args:
            args = tuple(self.args)
        elif isinstance(self.input, tuple):
            args = (torch.randn(*self.input),)
        else:
            made = self.input()
            args = made if isinstance(made, tuple) else (made,)
        kwargs = dict(self.kwargs() if callable(self.kwargs) else self.kwargs)
        return tree_map(self._cast, (args, kwargs))

    def _cast(self, value):
        if isinstance(value, torch.Tensor) and value.is_floating_point():
            return value.to(self.dtype)
        return value

    def describe(self, name, args, kwargs, names=()):
        """``LayerNorm(normalized_shape=4) on input of shape (2, 4)``, from the arguments."""
        init = ", ".join(f"{k}={_short(v)}" for k, v in self.init.items())
        on = self.label or describe_arguments(args, kwargs, names, self.dtype)
        maker = f"{name}.{self.build}" if self.build else name
        return f"{maker}({init}) on {on}{self.precision}"

    def describe_call(self, name, args, kwargs, names=()):
        """``size(i=7, k=3)``: a function call, from the arguments."""
        on = self.label or describe_arguments(args, kwargs, names, self.dtype)
        if self.model and not self.label:
            on = ", ".join(part for part in (f"{self.model.__name__}()", args and on) if part)
        return f"{name}({on}){self.precision}"

    @property
    def precision(self):
        return "" if self.dtype == DTYPE else f" in {_dtype(self.dtype)}"


def _dtype(dtype):
    return str(dtype).removeprefix("torch.")


def _short(value):
    """repr for a constructor argument; a tensor is shown by its shape only."""
    if isinstance(value, torch.Tensor):
        return f"<tensor of shape {tuple(value.shape)}>"
    return repr(value)


def _shape_text(value, dtype):
    if isinstance(value, torch.Tensor):
        shape = str(tuple(value.shape))
        return shape if value.dtype == dtype else f"{shape} {_dtype(value.dtype)}"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_shape_text(v, dtype) for v in value) + ")"
    return repr(value)


def describe_arguments(args, kwargs, names=(), dtype=DTYPE):
    """``input of shape (5, 2, 3), hx=((1, 2, 4), (1, 2, 4))``: shapes, and dtypes that differ."""
    named = [(names[i] if i < len(names) else f"args[{i}]", v) for i, v in enumerate(args)]
    parts = []
    for name, value in named + list(kwargs.items()):
        text = _shape_text(value, dtype)
        parts.append(
            f"{name} of shape {text}" if isinstance(value, torch.Tensor) else f"{name}={text}"
        )
    return ", ".join(parts) or "no arguments"


def parameter_names(function):
    """The names of a forward's (or a function's) positional parameters, ``self`` left out."""
    target = function.forward if isinstance(function, type) else function
    try:
        parameters = inspect.signature(target).parameters.values()
    except (TypeError, ValueError):
        return ()
    names = [p.name for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return tuple(names[1:] if isinstance(function, type) else names)


def argument_leaves(args, kwargs, names=()):
    """(label, leaf) for every leaf of a call's arguments, in ``tree_flatten`` order."""
    found = []
    for path, leaf in tree_flatten_with_path((tuple(args), dict(kwargs)))[0]:
        top = path[1]
        if path[0].idx == 0:
            label = names[top.idx] if top.idx < len(names) else f"args[{top.idx}]"
        else:
            label = str(top.key)
        found.append((label + keystr(path[2:]), leaf))
    return found


def grad_flags(args, kwargs, names, wanted):
    """For each argument leaf: whether it gets a gradient (a floating tensor, and named in
    ``wanted`` unless that is None)."""
    return [
        isinstance(leaf, torch.Tensor)
        and leaf.is_floating_point()
        and (wanted is None or label in wanted)
        for label, leaf in argument_leaves(args, kwargs, names)
    ]


def plain(value):
    """A record's copy of a value: tensors detached on the CPU, containers rebuilt, anything
    else replaced by the name of its type, so that a record holds plain data only."""
    if isinstance(value, torch.Tensor):
        return value.detach().cpu().clone().as_subclass(torch.Tensor)
    if isinstance(value, (tuple, list)):
        return (list if isinstance(value, list) else tuple)(plain(v) for v in value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if value is None or type(value) in (bool, int, float, str):
        return value
    return {"unsupported": type(value).__name__}


def kind(value):
    """The type name of a value, or of what a record stood in for (see :func:`plain`)."""
    if isinstance(value, dict) and set(value) == {"unsupported"}:
        return str(value["unsupported"])
    if isinstance(value, tuple):
        return f"a tuple of {len(value)}"
    return type(value).__name__


def _fmt(value):
    return f"{value:.6g}" if isinstance(value, float) else repr(value)


def _child_name(names, key, label):
    """The name of a subtree: declared in ``names`` (a str, or a tree of them), else a path."""
    sub = None
    if isinstance(names, (tuple, list)) and isinstance(key, int) and key < len(names):
        sub = names[key]
    elif isinstance(names, dict):
        sub = names.get(key)
    if isinstance(sub, str):
        return sub, None
    return f"{label}[{key!r}]" if isinstance(key, str) else f"{label}[{key}]", sub


def assert_close(got, expected, where, what="output", hint="", dtype=DTYPE, names=None):
    """Compare two trees (tensors within tolerance, other leaves exactly) and explain the first
    difference. ``names`` mirrors ``expected`` and names its parts (``("output", "h_n")``)."""
    __tracebackhide__ = True  # learners see the message, not the engine
    verify_integrity()
    if isinstance(names, str):
        what, names = names, None
    if isinstance(expected, (tuple, list, dict)):
        _compare_container(got, expected, where, what, hint, dtype, names)
    elif isinstance(expected, torch.Tensor):
        _compare_tensor(got, expected, where, what, hint, dtype)
    elif type(expected) is float and type(got) in (int, float):
        if not math.isclose(got, expected, rel_tol=TOLERANCES[dtype][0], abs_tol=1e-12):
            fail(where, f"{what} is {_fmt(got)}, expected {_fmt(expected)}.", hint)
    elif type(got) is not type(expected) or got != expected:
        fail(where, f"{what} is {_fmt(got) if type(got) in (int, bool, str) else kind(got)}, "
             f"expected {_fmt(expected)}.", hint)  # fmt: skip


def _compare_container(got, expected, where, what, hint, dtype, names):
    __tracebackhide__ = True  # learners see the message, not the engine
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            keys = sorted(got) if isinstance(got, dict) else kind(got)
            fail(where, f"{what} should be a dict with keys {sorted(expected)}, got {keys}.", hint)
        keys = list(expected)
    else:
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            size = f"{len(got)} items" if isinstance(got, (tuple, list)) else kind(got)
            wanted = f"{type(expected).__name__} of {len(expected)}"
            fail(where, f"{what} should be a {wanted}, got {size}.", hint)
        keys = range(len(expected))
    for key in keys:
        label, sub = _child_name(names, key, what)
        assert_close(got[key], expected[key], where, label, hint, dtype, sub)


def _compare_tensor(got, expected, where, what, hint, dtype):
    __tracebackhide__ = True  # learners see the message, not the engine
    if not isinstance(got, torch.Tensor):
        fail(where, f"{what} should be a tensor, got {kind(got)}.", hint)
    if tuple(got.shape) != tuple(expected.shape):
        fail(where, f"{what} has shape {tuple(got.shape)}, expected {tuple(expected.shape)}.", hint)
    if expected.dtype == torch.bool or not expected.is_floating_point():
        if got.dtype != expected.dtype:
            fail(where, f"{what} has dtype {_dtype(got.dtype)}, expected {_dtype(expected.dtype)}.")
    rtol, atol = TOLERANCES[dtype]
    got_ = got.detach().to(expected.device, torch.float64)
    expected_ = expected.detach().double()
    bad = ~torch.isclose(got_, expected_, rtol=rtol, atol=atol, equal_nan=True)
    if bool(bad.any()):
        index = tuple(int(i) for i in bad.nonzero()[0])
        error = (got_ - expected_).abs().nan_to_num(nan=math.inf).max().item()
        fail(
            where,
            f"{what} differs at {list(index)}: expected {_fmt(expected_[index].item())}, "
            f"got {_fmt(got_[index].item())} (max error {error:.3g} > tolerance "
            f"{atol:g} + {rtol:g}·|expected|).",
            hint,
        )
