"""Pads/crops with 0-1 selection matrices: out = R @ x @ C^T via einsum (exact in float)."""

import numbers

import torch
from torch import nn


class ZeroPad2d(nn.Module):
    def __init__(self, padding) -> None:
        super().__init__()
        if isinstance(padding, numbers.Integral):
            padding = (padding,) * 4
        self.padding = tuple(padding)
        self.value = 0.0

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        left, right, top, bottom = self.padding
        h, w = input.shape[-2:]
        for size, before, after in ((h, top, bottom), (w, left, right)):
            if size + min(before, 0) + min(after, 0) < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
        kw = {"dtype": input.dtype, "device": input.device}
        rows = torch.arange(h + top + bottom, device=input.device) - top
        cols = torch.arange(w + left + right, device=input.device) - left
        select_r = (rows[:, None] == torch.arange(h, device=input.device)[None, :]).to(**kw)
        select_c = (cols[:, None] == torch.arange(w, device=input.device)[None, :]).to(**kw)
        return torch.einsum("ih,...hw,jw->...ij", select_r, input, select_c)

    def extra_repr(self) -> str:
        return f"{self.padding}"
