"""Bug: negative padding is clamped to 0 instead of cropping the input."""

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
        left, right, top, bottom = (max(p, 0) for p in self.padding)
        h, w = input.shape[-2:]
        out = input.new_full((*input.shape[:-2], h + top + bottom, w + left + right), self.value)
        out[..., top : top + h, left : left + w] = input
        return out

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"
