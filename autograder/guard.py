"""Record which torch functions and aten ops a piece of learner code runs.

Two modes watch at once: a ``TorchFunctionMode`` sees Python-level calls such as
``torch.nn.functional.layer_norm`` or ``torch.Tensor.flatten``, and a ``TorchDispatchMode``
sees the aten ops they end in, such as ``aten.native_layer_norm``. Together they catch a learner
who calls the op being taught, however they reach it. Imports nothing but torch.
"""

from contextlib import contextmanager

from torch.overrides import TorchFunctionMode, resolve_name
from torch.utils._python_dispatch import TorchDispatchMode


class _FunctionCalls(TorchFunctionMode):
    def __init__(self, seen):
        super().__init__()
        self.seen = seen

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = resolve_name(func)
        if name:
            self.seen.add(name)
        return func(*args, **(kwargs or {}))


class _AtenOps(TorchDispatchMode):
    def __init__(self, seen):
        super().__init__()
        self.seen = seen

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.seen.add(f"aten.{func.overloadpacket.__name__}")
        return func(*args, **(kwargs or {}))


@contextmanager
def trace_ops():
    """Yield a set that fills with the torch functions and aten ops run inside the block."""
    seen = set()
    with _FunctionCalls(seen), _AtenOps(seen):
        yield seen


def forbidden_calls(seen, forbidden):
    """The names in ``forbidden`` that were seen, in the order they were declared."""
    return [name for name in forbidden if name in seen]
