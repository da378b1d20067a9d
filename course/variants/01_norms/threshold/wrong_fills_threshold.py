"""Bug: replaces small inputs with the threshold itself instead of value (a clamp)."""

import torch
from torch import nn


class Threshold(nn.Module):
    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        keep = input > self.threshold
        if self.inplace:
            return input.masked_fill_(~keep, self.threshold)
        return torch.where(keep, input, self.threshold)

    def extra_repr(self) -> str:
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"threshold={self.threshold}, value={self.value}{inplace_str}"
