"""Correct: each pair is read as the complex number x[2i] + i·x[2i+1] and multiplied by
exp(i·p·θᵢ) from torch.polar, all in x's dtype (complex64 for float32, complex128 for float64)."""

import torch
from torch import nn


class RotaryEmbedding(nn.Module):
    """Turns each pair (x[2i], x[2i+1]) of the token at position p by the angle p·θᵢ."""

    def __init__(self, dim, base=10000.0):
        super().__init__()
        self.dim, self.base = dim, base
        exponent = torch.arange(dim // 2, dtype=torch.float64) * 2 / dim
        self.register_buffer("inv_freq", (1.0 / base**exponent).float(), persistent=False)

    def forward(self, x, offset=0):
        position = torch.arange(x.size(-2), device=x.device, dtype=x.dtype) + offset
        angle = torch.outer(position, self.inv_freq.to(x.dtype))
        turn = torch.polar(torch.ones_like(angle), angle)
        pairs = torch.view_as_complex(x.reshape(*x.shape[:-1], -1, 2).contiguous())
        return torch.view_as_real(pairs * turn).reshape(x.shape)

    def extra_repr(self):
        return f"dim={self.dim}, base={self.base}"
