"""Bug: calls torch.nn.functional.pad instead of implementing it from primitives."""

import numbers

import torch
import torch.nn.functional as F
from torch import nn


class ZeroPad2d(nn.Module):
    def __init__(self, padding) -> None:
        super().__init__()
        if isinstance(padding, numbers.Integral):
            padding = (padding,) * 4
        self.padding = tuple(padding)
        self.value = 0.0

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.pad(input, self.padding)

    def extra_repr(self) -> str:
        return f"{self.padding}"
