"""The catalogue of forbidden ops: what a learner may not call while rebuilding a layer.

Each family lists the torch functions (as ``torch.overrides.resolve_name`` spells them) and the
aten ops (as the profiler names them, ``aten.<op>``) that would do the exercise's work, on the CPU
and on CUDA. A test cell names families (``forbidden="normalization"``); it may add single names.
"""

FAMILIES = {}


def expand(forbidden):
    """The op names behind ``forbidden``: a family name, an op name, or a sequence of both."""
    names = [forbidden] if isinstance(forbidden, str) else list(forbidden)
    ops = []
    for name in names:
        for op in FAMILIES.get(name, (name,)):
            if op not in ops:
                ops.append(op)
    return ops
