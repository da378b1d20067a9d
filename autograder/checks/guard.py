"""Record which torch functions and aten ops a piece of learner code runs, in every thread.

Two recorders watch at once: a ``TorchFunctionMode`` sees Python-level calls such as
``torch.nn.functional.layer_norm`` or ``torch.Tensor.flatten`` in the calling thread, and torch's
profiler, told to watch all threads, sees every aten op the dispatcher runs, such as
``aten.native_layer_norm``, wherever it runs: a learner who hands the work to another thread is
seen as well. Imports nothing but torch.
"""

import contextlib
import os
import secrets

from torch._C._profiler import _ExperimentalConfig
from torch.autograd import (
    ProfilerConfig,
    ProfilerState,
    _disable_profiler,
    _enable_profiler,
    _prepare_profiler,
)
from torch.overrides import TorchFunctionMode, resolve_name
from torch.profiler import ProfilerActivity, record_function

ALL_THREADS = ProfilerConfig(
    ProfilerState.KINETO, False, False, False, False, False,
    _ExperimentalConfig(profile_all_threads=True),
)  # fmt: skip
CPU = {ProfilerActivity.CPU}  # CUDA ops are dispatched, and recorded, on the CPU side


class TraceDefeated(RuntimeError):
    """The op trace was switched off or tampered with while learner code ran."""


class _FunctionCalls(TorchFunctionMode):
    def __init__(self, seen):
        super().__init__()
        self.seen = seen

    def __torch_function__(self, func, types, args=(), kwargs=None):
        name = resolve_name(func)
        if name:
            self.seen.add(name)
        return func(*args, **(kwargs or {}))


@contextlib.contextmanager
def _quiet_stderr():
    """Silence file descriptor 2 for a moment: the profiler prints a line when it starts and
    stops, and a notebook cell with stderr output would lose its points."""
    saved, null = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    os.dup2(null, 2)
    os.close(null)
    try:
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


@contextlib.contextmanager
def _aten_ops(seen):
    """Record every aten op, in every thread; a mark made at the start must still be there at
    the end, or the profiler was stopped (and maybe restarted) inside the block."""
    mark = f"lbl-trace-{secrets.token_hex(8)}"
    with _quiet_stderr():
        _prepare_profiler(ALL_THREADS, CPU)
        _enable_profiler(ALL_THREADS, CPU)
    with record_function(mark):
        pass
    try:
        yield
    finally:
        try:
            with _quiet_stderr():
                events = [event.name() for event in _disable_profiler().events()]
        except RuntimeError:  # not running: stopped by someone else
            events = []
        if mark not in events:
            raise TraceDefeated("the op trace was stopped inside the traced code")
        seen.update(name.replace("::", ".", 1) for name in events if name != mark)


@contextlib.contextmanager
def trace_ops():
    """Yield a set that fills with the torch functions and aten ops run inside the block."""
    seen = set()
    with _aten_ops(seen), _FunctionCalls(seen):
        yield seen


def forbidden_calls(seen, forbidden):
    """The names in ``forbidden`` that were seen, in the order they were declared."""
    return [name for name in forbidden if name in seen]
