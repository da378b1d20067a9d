"""Bug: the GPT-NeoX "rotate half" convention: feature i is paired with feature i + d/2, not
with its neighbour, so every d ≥ 4 case rotates the wrong pairs (for d = 2 both agree)."""

import torch
from torch import nn


class RotaryEmbedding(nn.Module):
    """Turns each pair (x[2i], x[2i+1]) of the token at position p by the angle p·θᵢ."""

    def __init__(self, dim, base=10000.0):
        super().__init__()
        self.dim, self.base = dim, base
        inv_freq = base ** (-torch.arange(0, dim, 2, dtype=torch.float64) / dim)
        self.register_buffer("inv_freq", inv_freq.float(), persistent=False)

    def forward(self, x, offset=0):
        position = torch.arange(offset, offset + x.size(-2), device=x.device, dtype=x.dtype)
        angle = position[:, None] * self.inv_freq.to(x.dtype)
        angle = torch.cat([angle, angle], dim=-1)
        first, second = x.chunk(2, dim=-1)
        rotated = torch.cat([-second, first], dim=-1)
        return x * angle.cos() + rotated * angle.sin()

    def extra_repr(self):
        return f"dim={self.dim}, base={self.base}"
