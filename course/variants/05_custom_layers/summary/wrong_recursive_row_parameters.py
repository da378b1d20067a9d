"""Bug: a row's parameters are module.parameters() with recurse=True, its children's
included; the model's own row (and any container's) is far too large."""

# ruff: noqa: F821 (count_parameters: an earlier lesson cell)

import torch
from torch.utils._pytree import tree_map


def summary(model, *inputs, **kwargs):
    """Run model(*inputs, **kwargs) once under hooks: a row per module that ran, and totals."""
    names = {module: name for name, module in model.named_modules()}
    rows = {}

    def enter(module, args):
        if module not in rows:
            rows[module] = {
                "name": names[module],
                "type": type(module).__name__,
                "calls": 0,
                "output": None,
                "parameters": sum(p.numel() for p in module.parameters()),
                "buffers": sum(b.numel() for b in module.buffers(recurse=False)),
            }
        rows[module]["calls"] += 1

    def leave(module, args, output):
        if rows[module]["output"] is None:
            rows[module]["output"] = tree_map(
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
    return {"rows": list(rows.values()), **count_parameters(model), "buffers": buffers}
