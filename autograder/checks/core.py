"""What every check shares: the device, dtypes and tolerances, seeding, failures, integrity."""

import builtins
import contextlib
import sys
import types
from pathlib import Path

import torch

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

    def _render_traceback_(self):
        """IPython's hook for an exception's traceback: the learner's frames and the message.
        (IPython hides frames marked ``__tracebackhide__`` except the last, the engine's.)"""
        kept, frame = [], self.__traceback__
        while frame is not None:
            if not frame.tb_frame.f_globals.get("__name__", "").startswith(__package__):
                kept.append(frame)
            frame = frame.tb_next
        trimmed = None
        for frame in reversed(kept):
            trimmed = types.TracebackType(trimmed, frame.tb_frame, frame.tb_lasti, frame.tb_lineno)
        shell = sys.modules["IPython"].get_ipython()  # IPython, which calls this, is loaded
        return shell.InteractiveTB.structured_traceback(type(self), self, trimmed)


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


@contextlib.contextmanager
def seeded(seed=SEED):
    """Run a block with torch's CPU (and CUDA) generators seeded, restoring them after."""
    devices = [torch.cuda.current_device()] if DEVICE.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


def fail(where, what, hint="", finding=None, reason="mismatch"):
    """Raise the CheckFailed a learner reads: where, what differs, and a hint."""
    __tracebackhide__ = True  # learners see the message, not the engine
    message = f"{where}: {what}"
    if hint:
        message += f" Hint: {hint}"
    raise CheckFailed(message, finding, reason)


def error_text(error):
    """An exception as a record keeps it: its type and the start of its message."""
    return f"{type(error).__name__}: {error}"[:MESSAGE_CHARS]


def count_parameters(module):
    """Number of trainable numbers in a module, each shared parameter counted once."""
    return sum(p.numel() for p in module.parameters())
