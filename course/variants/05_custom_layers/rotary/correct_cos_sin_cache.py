"""Correct: cos and sin repeated feature by feature (repeat_interleave), and a helper that maps
each pair (a, b) to (-b, a): y = x·cos + rotate_pairs(x)·sin, the interleaved Llama form."""

import torch
from torch import nn


def rotate_pairs(x):
    """(x0, x1, x2, x3, …) → (-x1, x0, -x3, x2, …)."""
    even, odd = x[..., 0::2], x[..., 1::2]
    return torch.stack((-odd, even), dim=-1).flatten(-2)


class RotaryEmbedding(nn.Module):
    """Turns each pair (x[2i], x[2i+1]) of the token at position p by the angle p·θᵢ."""

    def __init__(self, dim, base=10000.0):
        super().__init__()
        self.dim, self.base = dim, base
        inv_freq = torch.tensor(
            [base ** (-2 * i / dim) for i in range(dim // 2)], dtype=torch.float64
        )
        self.register_buffer("inv_freq", inv_freq.float(), persistent=False)

    def forward(self, x, offset=0):
        steps = torch.arange(x.size(-2), device=x.device).to(x.dtype)
        angle = (offset + steps).unsqueeze(-1) * self.inv_freq.to(x.dtype)
        cos = angle.cos().repeat_interleave(2, dim=-1)
        sin = angle.sin().repeat_interleave(2, dim=-1)
        return x * cos + rotate_pairs(x) * sin

    def extra_repr(self):
        return f"dim={self.dim}, base={self.base}"
