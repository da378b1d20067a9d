"""Bug: negative padding is clamped to 0 instead of cropping the input."""

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
        left, right, top, bottom = (max(p, 0) for p in self.padding)
        h, w = input.shape[-2:]
        out = input.new_zeros((*input.shape[:-2], h + top + bottom, w + left + right))
        out[..., top : top + h, left : left + w] = input
        return out

    def extra_repr(self) -> str:
        return f"{self.padding}"
