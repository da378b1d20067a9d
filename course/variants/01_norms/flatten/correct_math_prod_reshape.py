"""Normalises both dims up front and reshapes to an explicit size computed with math.prod."""

import math

import torch
from torch import nn


class Flatten(nn.Module):
    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        shape = tuple(input.shape)
        ndim = max(len(shape), 1)
        for d in (self.start_dim, self.end_dim):
            if not -ndim <= d < ndim:
                raise IndexError(
                    f"Dimension out of range (expected to be in range of [{-ndim}, {ndim - 1}],"
                    f" but got {d})"
                )
        start = self.start_dim % ndim
        end = self.end_dim % ndim
        if start > end:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if len(shape) == 0:
            return input.reshape(1)
        merged = math.prod(shape[start : end + 1])
        return input.reshape(shape[:start] + (merged,) + shape[end + 1 :])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
