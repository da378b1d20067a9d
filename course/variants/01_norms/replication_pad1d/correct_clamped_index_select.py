"""Gathers columns with index_select at arange(-left, W + right).clamp(0, W - 1)."""

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
        if width + left + right < 1:
            raise RuntimeError(
                f"input (W: {width}) is too small. Calculated output W: {width + left + right}"
            )
        idx = torch.arange(-left, width + right, device=input.device).clamp(0, width - 1)
        return input.index_select(-1, idx)

    def extra_repr(self) -> str:
        return f"{self.padding}"
