"""Bug: calls torch.nn.functional.pad instead of implementing it from primitives."""

import numbers

import torch
import torch.nn.functional as F
from torch import nn


class ConstantPad2d(nn.Module):
    def __init__(self, padding, value: float) -> None:
        super().__init__()
        if isinstance(padding, numbers.Integral):
            padding = (padding,) * 4
        self.padding = tuple(padding)
        self.value = value

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.pad(input, self.padding, "constant", self.value)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"
