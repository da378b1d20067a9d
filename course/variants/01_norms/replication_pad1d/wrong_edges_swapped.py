"""Bug: the left padding replicates the last column and the right padding the first one."""

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
        parts = [input[..., max(-left, 0) : width - max(-right, 0)]]
        if left > 0:
            parts.insert(0, input[..., -1:].expand(*input.shape[:-1], left))
        if right > 0:
            parts.append(input[..., :1].expand(*input.shape[:-1], right))
        return torch.cat(parts, dim=-1)

    def extra_repr(self) -> str:
        return f"{self.padding}"
