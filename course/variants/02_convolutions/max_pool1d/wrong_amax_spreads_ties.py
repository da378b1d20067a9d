"""Bug: takes each window's maximum with amax, which shares the gradient among tied maxima;
torch sends it all to the first."""

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


def max_pool(x, nd, kernel_size, stride, padding, dilation, ceil_mode, return_indices):
    """Max pooling over the last nd dims of x; also the flat indices if return_indices."""
    args = (kernel_size, stride, padding, dilation, ceil_mode)
    windows = sliding_windows(x, *args, fill=-math.inf)
    values, which = windows.amax(-1), windows.argmax(-1)
    if not return_indices:
        return values
    spatial = x.shape[-nd:]
    positions = torch.arange(math.prod(spatial), device=x.device).reshape(spatial)
    positions = sliding_windows(positions, *args, fill=0)
    positions = positions.expand(*x.shape[:-nd], *positions.shape)
    return values, positions.gather(-1, which.unsqueeze(-1)).squeeze(-1)


class MaxPool1d(nn.Module):
    """1-D max pooling over (N, C, L) or (C, L)."""

    def __init__(
        self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False
    ):
        super().__init__()
        self.kernel_size = ntuple(kernel_size, 1)
        self.stride = ntuple(kernel_size if stride is None else stride, 1)
        self.padding, self.dilation = ntuple(padding, 1), ntuple(dilation, 1)
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, x):
        return max_pool(
            x,
            1,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            self.return_indices,
        )
