"""Bug: the sequence is taken from the first axis, as for (L, N, d) inputs: positions count
the batch, which a (2, 5, 8) input shows (and an (L, d) input hides)."""

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
        position = torch.arange(offset, offset + x.size(0), device=x.device, dtype=x.dtype)
        angle = position * self.inv_freq.to(x.dtype)[:, None]
        angle = angle.T.reshape(x.size(0), *[1] * (x.dim() - 2), -1)
        cos, sin = angle.cos(), angle.sin()
        even, odd = x[..., 0::2], x[..., 1::2]
        return torch.stack([even * cos - odd * sin, even * sin + odd * cos], dim=-1).flatten(-2)

    def extra_repr(self):
        return f"dim={self.dim}, base={self.base}"
