"""Bug: without _random_samples it draws one pair of samples for the whole batch, so every map
gets the same windows."""

import torch
from torch import nn


def ntuple(value, n):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


def fractional_starts(n_in, n_out, k, u):
    """Window starts (P, n_out) along one axis for P samples u."""
    j = torch.arange(n_out, device=u.device, dtype=u.dtype)
    starts = torch.zeros(u.shape[0], n_out, dtype=torch.long, device=u.device)
    if n_out > 1:
        alpha = (n_in - k) / (n_out - 1)
        starts = (torch.trunc((j + u[:, None]) * alpha) - torch.trunc(u[:, None] * alpha)).long()
    starts[:, -1] = n_in - k
    return starts


class FractionalMaxPool2d(nn.Module):
    """Max pooling with pseudo-random windows over (N, C, H, W) or (C, H, W)."""

    def __init__(
        self,
        kernel_size,
        output_size=None,
        output_ratio=None,
        return_indices=False,
        _random_samples=None,
    ):
        super().__init__()
        self.kernel_size = ntuple(kernel_size, 2)
        self.output_size = None if output_size is None else ntuple(output_size, 2)
        self.output_ratio = None if output_ratio is None else ntuple(output_ratio, 2)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)

    def forward(self, x):
        if x.dim() == 3:  # unbatched (C, H, W): a batch of one
            out = self.forward(x.unsqueeze(0))
            return tuple(t.squeeze(0) for t in out) if self.return_indices else out.squeeze(0)
        n, c, h, w = x.shape
        kh, kw = self.kernel_size
        if self.output_size is not None:
            oh, ow = self.output_size
        else:
            oh, ow = int(h * self.output_ratio[0]), int(w * self.output_ratio[1])
        u = self._random_samples
        if u is None:
            u = torch.rand(1, 1, 2, dtype=x.dtype, device=x.device).expand(n, c, 2)
        u = u.reshape(n * c, 2)
        rows = fractional_starts(h, oh, kh, u[:, 1])[:, :, None] + torch.arange(kh, device=x.device)
        cols = fractional_starts(w, ow, kw, u[:, 0])[:, :, None] + torch.arange(kw, device=x.device)
        rows, cols = rows.reshape(n, c, oh, 1, kh, 1), cols.reshape(n, c, 1, ow, 1, kw)
        positions = (rows * w + cols).reshape(n, c, oh, ow, kh * kw)
        windows = x.reshape(n, c, h * w).gather(-1, positions.reshape(n, c, -1))
        values, which = windows.reshape(positions.shape).max(-1)
        if not self.return_indices:
            return values
        return values, positions.gather(-1, which.unsqueeze(-1)).squeeze(-1)
