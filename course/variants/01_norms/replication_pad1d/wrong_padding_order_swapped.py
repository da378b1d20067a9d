"""Bug: reads the 2-tuple as (right, left) instead of (left, right)."""

import numbers

import torch
from torch import nn


class ReplicationPad1d(nn.Module):
    def __init__(self, padding) -> None:
        super().__init__()
        if isinstance(padding, numbers.Integral):
            padding = (padding, padding)
        self.padding = tuple(padding)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        right, left = self.padding
        width = input.shape[-1]
        idx = torch.arange(-left, width + right, device=input.device).clamp(0, width - 1)
        return input.index_select(-1, idx)

    def extra_repr(self) -> str:
        return f"{self.padding}"
