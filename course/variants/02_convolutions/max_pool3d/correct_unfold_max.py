"""Pads with -inf, unfolds the three spatial axes, and takes the max (first of ties) per window."""

import math

import torch
import torch.nn.functional as F
from torch import nn


def triple(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v, v)


class MaxPool3d(nn.Module):
    def __init__(
        self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False
    ):
        super().__init__()
        self.kernel_size = triple(kernel_size)
        self.stride = triple(kernel_size if stride is None else stride)
        self.padding, self.dilation = triple(padding), triple(dilation)
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def _windows(self, x, fill):
        sizes = x.shape[-3:]
        amounts = []
        for n, k, s, p, d in zip(sizes, self.kernel_size, self.stride, self.padding, self.dilation):
            span = d * (k - 1) + 1
            room = n + 2 * p - span
            out = (math.ceil(room / s) if self.ceil_mode else room // s) + 1
            if self.ceil_mode and (out - 1) * s >= n + p:
                out -= 1
            amounts.append((p, p + max(0, (out - 1) * s + span - n - 2 * p)))
        flat = [w for pair in reversed(amounts) for w in pair]
        x = F.pad(x, flat, value=fill)
        for k, s, d in zip(self.kernel_size, self.stride, self.dilation):
            x = x.unfold(x.dim() - 3, d * (k - 1) + 1, s)  # the next spatial axis
            x = x[..., ::d]
        return x.flatten(-3)

    def forward(self, x):
        values, which = self._windows(x, -math.inf).max(-1)
        if not self.return_indices:
            return values
        spatial = x.shape[-3:]
        positions = torch.arange(math.prod(spatial)).reshape(spatial).to(x.dtype)
        positions = self._windows(positions, 0.0).long()
        positions = positions.expand(*x.shape[:-3], *positions.shape)
        return values, positions.gather(-1, which.unsqueeze(-1)).squeeze(-1)
