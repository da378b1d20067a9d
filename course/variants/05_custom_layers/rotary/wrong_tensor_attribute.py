"""Bug: inv_freq is a plain tensor attribute, not a buffer: .to() would not move it, and the
structure check finds no buffer inv_freq."""

import torch
from torch import nn


class RotaryEmbedding(nn.Module):
    """Turns each pair (x[2i], x[2i+1]) of the token at position p by the angle p·θᵢ."""

    def __init__(self, dim, base=10000.0):
        super().__init__()
        self.dim, self.base = dim, base
        inv_freq = base ** (-torch.arange(0, dim, 2, dtype=torch.float64) / dim)
        self.inv_freq = inv_freq.float()

    def forward(self, x, offset=0):
        position = torch.arange(offset, offset + x.size(-2), device=x.device, dtype=x.dtype)
        angle = position[:, None] * self.inv_freq.to(x.device, x.dtype)
        cos, sin = angle.cos(), angle.sin()
        even, odd = x[..., 0::2], x[..., 1::2]
        return torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1).flatten(-2)

    def extra_repr(self):
        return f"dim={self.dim}, base={self.base}"
