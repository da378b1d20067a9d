"""Bug: mirrors the interior (reflection: x[1], x[2], ...) instead of repeating the edge value."""

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
        left, right = self.padding
        width = input.shape[-1]
        idx = torch.arange(-left, width + right, device=input.device).abs()
        idx = torch.where(idx > width - 1, 2 * (width - 1) - idx, idx)
        return input.index_select(-1, idx)

    def extra_repr(self) -> str:
        return f"{self.padding}"
