"""Bug: treats end_dim as an exclusive slice bound, so the end_dim axis itself is not merged."""

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
        end = self.end_dim % len(shape)
        merged = math.prod(shape[start:end])
        return input.reshape(shape[:start] + (merged,) + shape[end:])

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
