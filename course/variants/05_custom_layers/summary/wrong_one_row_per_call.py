"""Bug: every call appends a new row (with the calls so far), instead of one row per module
with its call count; used_twice gets two rows for its block."""

# ruff: noqa: F821 (count_parameters: an earlier lesson cell)

import torch
from torch.utils._pytree import tree_map


def summary(model, *inputs, **kwargs):
    """Run model(*inputs, **kwargs) once under hooks: a row per module that ran, and totals."""
    names = {module: name for name, module in model.named_modules()}
    rows, calls = [], {}

    def enter(module, args):
        calls[module] = calls.get(module, 0) + 1
        rows.append(
            {
                "name": names[module],
                "type": type(module).__name__,
                "calls": calls[module],
                "output": None,
                "parameters": sum(p.numel() for p in module.parameters(recurse=False)),
                "buffers": sum(b.numel() for b in module.buffers(recurse=False)),
                "module": module,
                "done": False,
            }
        )

    def leave(module, args, output):
        row = next(row for row in reversed(rows) if row["module"] is module and not row["done"])
        row["done"] = True
        row["output"] = tree_map(
            lambda t: tuple(t.shape) if isinstance(t, torch.Tensor) else t, output
        )

    handles = []
    for module in names:
        handles.append(module.register_forward_pre_hook(enter))
        handles.append(module.register_forward_hook(leave))
    try:
        model(*inputs, **kwargs)
    finally:
        for handle in handles:
            handle.remove()
    buffers = sum(b.numel() for b in model.buffers())
    rows = [{k: v for k, v in row.items() if k not in ("module", "done")} for row in rows]
    return {"rows": rows, **count_parameters(model), "buffers": buffers}
