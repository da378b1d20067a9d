"""Bug: only forward hooks: a row is made when a module's call ends, so children come before
their parent and the model itself is last, not first (rows in the order modules finish)."""

# ruff: noqa: F821 (count_parameters: an earlier lesson cell)

import torch
from torch.utils._pytree import tree_map


def summary(model, *inputs, **kwargs):
    """Run model(*inputs, **kwargs) once under hooks: a row per module that ran, and totals."""
    names = {module: name for name, module in model.named_modules()}
    rows = {}

    def leave(module, args, output):
        if module not in rows:
            rows[module] = {
                "name": names[module],
                "type": type(module).__name__,
                "calls": 0,
                "output": tree_map(
                    lambda t: tuple(t.shape) if isinstance(t, torch.Tensor) else t, output
                ),
                "parameters": sum(p.numel() for p in module.parameters(recurse=False)),
                "buffers": sum(b.numel() for b in module.buffers(recurse=False)),
            }
        rows[module]["calls"] += 1

    handles = [module.register_forward_hook(leave) for module in names]
    try:
        model(*inputs, **kwargs)
    finally:
        for handle in handles:
            handle.remove()
    buffers = sum(b.numel() for b in model.buffers())
    return {"rows": list(rows.values()), **count_parameters(model), "buffers": buffers}
