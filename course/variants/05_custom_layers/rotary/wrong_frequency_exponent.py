"""Bug: θᵢ = base^(-i/d) for i = 0 … d/2-1 (the exponent steps by 1/d, not 2/d), so the
frequencies fall half as fast; the inv_freq buffer already differs."""

import torch
from torch import nn


class RotaryEmbedding(nn.Module):
    """Turns each pair (x[2i], x[2i+1]) of the token at position p by the angle p·θᵢ."""

    def __init__(self, dim, base=10000.0):
        super().__init__()
        self.dim, self.base = dim, base
        inv_freq = base ** (-torch.arange(dim // 2, dtype=torch.float64) / dim)
        self.register_buffer("inv_freq", inv_freq.float(), persistent=False)

    def forward(self, x, offset=0):
        position = torch.arange(offset, offset + x.size(-2), device=x.device, dtype=x.dtype)
        angle = position[:, None] * self.inv_freq.to(x.dtype)
        cos, sin = angle.cos(), angle.sin()
        even, odd = x[..., 0::2], x[..., 1::2]
        return torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1).flatten(-2)

    def extra_repr(self):
        return f"dim={self.dim}, base={self.base}"
