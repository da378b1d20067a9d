"""Clones the input and writes value through boolean-mask index assignment."""

import torch
from torch import nn


class Threshold(nn.Module):
    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        out = input if self.inplace else input.clone()
        out[input.le(self.threshold)] = self.value
        return out

    def extra_repr(self) -> str:
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"threshold={self.threshold}, value={self.value}{inplace_str}"
