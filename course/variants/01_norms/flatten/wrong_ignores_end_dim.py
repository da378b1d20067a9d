"""Bug: ignores end_dim and always flattens from start_dim to the last dimension."""

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
        start = self.start_dim % len(shape)
        return input.reshape(shape[:start] + (math.prod(shape[start:]),))

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
