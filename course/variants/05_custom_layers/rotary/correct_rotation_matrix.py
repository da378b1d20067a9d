"""Correct: builds the 2×2 rotation matrix [[cos, -sin], [sin, cos]] of every (position, pair)
and applies it with einsum to the pairs reshaped to (…, L, d/2, 2)."""

import math

import torch
from torch import nn


class RotaryEmbedding(nn.Module):
    """Turns each pair (x[2i], x[2i+1]) of the token at position p by the angle p·θᵢ."""

    def __init__(self, dim, base=10000.0):
        super().__init__()
        self.dim, self.base = dim, base
        exponent = torch.arange(0, dim, 2, dtype=torch.float64) / dim
        inv_freq = torch.exp(-math.log(base) * exponent)
        self.register_buffer("inv_freq", inv_freq.to(torch.float32), persistent=False)

    def forward(self, x, offset=0):
        length = x.shape[-2]
        position = torch.arange(offset, offset + length, dtype=x.dtype, device=x.device)
        angle = position[:, None] * self.inv_freq.to(x.dtype)[None, :]
        cos, sin = torch.cos(angle), torch.sin(angle)
        rotation = torch.stack([torch.stack([cos, -sin], -1), torch.stack([sin, cos], -1)], -2)
        pairs = x.unflatten(-1, (-1, 2))
        return torch.einsum("lpij,...lpj->...lpi", rotation, pairs).flatten(-2)

    def extra_repr(self):
        return f"dim={self.dim}, base={self.base}"
