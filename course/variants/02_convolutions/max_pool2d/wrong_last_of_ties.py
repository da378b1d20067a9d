"""Bug: among tied maxima it picks the last in scan order (its index and its gradient); torch
picks the first."""

import math

import torch
import torch.nn.functional as F
from torch import nn


def ntuple(value, n):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


def sliding_windows(x, kernel_size, stride, padding, dilation, ceil_mode=False, fill=0.0):
    """Every pooling window over the last len(kernel_size) dims of x: shape (..., *out, K)."""
    nd = len(kernel_size)
    base = x.dim() - nd
    amounts = []
    for i in range(nd):
        n, s, p = x.shape[base + i], stride[i], padding[i]
        span = dilation[i] * (kernel_size[i] - 1) + 1
        room = n + 2 * p - span
        out = (-(-room // s) if ceil_mode else room // s) + 1
        if ceil_mode and (out - 1) * s >= n + p:  # the last window must start inside
            out -= 1
        extra = max(0, (out - 1) * s + span - (n + 2 * p))
        amounts.append((p, p + extra))
    x = F.pad(x, [w for pair in reversed(amounts) for w in pair], value=fill)
    for i in range(nd):
        span = dilation[i] * (kernel_size[i] - 1) + 1
        x = x.unfold(base + i, span, stride[i])[..., :: dilation[i]]
    return x.flatten(-nd)


class MaxPool2d(nn.Module):
    def __init__(
        self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False
    ):
        super().__init__()
        self.kernel_size = ntuple(kernel_size, 2)
        self.stride = ntuple(kernel_size if stride is None else stride, 2)
        self.padding, self.dilation = ntuple(padding, 2), ntuple(dilation, 2)
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, x):
        args = (self.kernel_size, self.stride, self.padding, self.dilation, self.ceil_mode)
        windows = sliding_windows(x, *args, fill=-math.inf)
        values, which = windows.flip(-1).max(-1)
        which = windows.shape[-1] - 1 - which
        if not self.return_indices:
            return windows.gather(-1, which.unsqueeze(-1)).squeeze(-1)
        spatial = x.shape[-2:]
        positions = torch.arange(math.prod(spatial)).reshape(spatial)
        positions = sliding_windows(positions, *args, fill=0)
        positions = positions.expand(*x.shape[:-2], *positions.shape)
        return values, positions.gather(-1, which.unsqueeze(-1)).squeeze(-1)
