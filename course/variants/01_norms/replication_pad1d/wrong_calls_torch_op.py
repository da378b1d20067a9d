"""Bug: calls torch.nn.functional.pad(mode='replicate') instead of using primitives."""

import numbers

import torch
import torch.nn.functional as F
from torch import nn


class ReplicationPad1d(nn.Module):
    def __init__(self, padding) -> None:
        super().__init__()
        if isinstance(padding, numbers.Integral):
            padding = (padding, padding)
        self.padding = tuple(padding)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.pad(input, self.padding, mode="replicate")

    def extra_repr(self) -> str:
        return f"{self.padding}"
