"""Crops negative sides by slicing, then writes the crop into a new_full canvas."""

import numbers

import torch
from torch import nn


class ConstantPad2d(nn.Module):
    def __init__(self, padding, value: float) -> None:
        super().__init__()
        if isinstance(padding, numbers.Integral):
            padding = (padding,) * 4
        self.padding = tuple(padding)
        self.value = value

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        left, right, top, bottom = self.padding
        h, w = input.shape[-2:]
        for size, before, after in ((h, top, bottom), (w, left, right)):
            if size + min(before, 0) + min(after, 0) < 0:
                raise RuntimeError("narrow(): length must be non-negative.")
        src = input[..., max(-top, 0) : h - max(-bottom, 0), max(-left, 0) : w - max(-right, 0)]
        out = input.new_full((*input.shape[:-2], h + top + bottom, w + left + right), self.value)
        r0, c0 = max(top, 0), max(left, 0)
        out[..., r0 : r0 + src.shape[-2], c0 : c0 + src.shape[-1]] = src
        return out

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"
