"""Bug: a negative start_dim is normalised as ndim - 1 + start_dim (off by one)."""

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
        start = self.start_dim if self.start_dim >= 0 else input.dim() - 1 + self.start_dim
        end = self.end_dim if self.end_dim >= 0 else input.dim() + self.end_dim
        merged = math.prod(shape[start : end + 1])
        return input.reshape(shape[:start] + (merged,) + shape[end + 1 :])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
