"""torch.where on the complement mask (x <= threshold), so NaN passes through like torch."""

import torch
from torch import nn


class Threshold(nn.Module):
    def __init__(self, threshold: float, value: float, inplace: bool = False) -> None:
        super().__init__()
        self.threshold = threshold
        self.value = value
        self.inplace = inplace

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        replace = input <= self.threshold
        if self.inplace:
            return input.masked_fill_(replace, self.value)
        return torch.where(replace, self.value, input)

    def extra_repr(self) -> str:
        inplace_str = ", inplace=True" if self.inplace else ""
        return f"threshold={self.threshold}, value={self.value}{inplace_str}"
