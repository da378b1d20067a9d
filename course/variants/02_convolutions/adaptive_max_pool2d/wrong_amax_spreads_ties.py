"""Bug: takes each window's maximum with amax, which shares the gradient among tied maxima;
torch sends it all to the first."""

import torch
from torch import nn


def ntuple(value, n):
    return tuple(value) if isinstance(value, (tuple, list)) else (value,) * n


def adaptive_output_size(output_size, x):
    sizes = ntuple(output_size, 2)
    return tuple(x.shape[-2 + i] if s is None else s for i, s in enumerate(sizes))


class AdaptiveMaxPool2d(nn.Module):
    """Max pooling to a fixed output size, over (N, C, H, W) or (C, H, W)."""

    def __init__(self, output_size, return_indices=False):
        super().__init__()
        self.output_size, self.return_indices = output_size, return_indices

    def forward(self, x):
        h, w = x.shape[-2:]
        picks = []
        for n_in, n_out in zip((h, w), adaptive_output_size(self.output_size, x)):
            j = torch.arange(n_out, device=x.device)[:, None]
            start, end = (j * n_in) // n_out, -((-(j + 1) * n_in) // n_out)
            offsets = torch.arange(int((end - start).max()), device=x.device)
            picks.append(torch.minimum(start + offsets, end - 1))  # (n_out, longest window)
        r, c = picks[0][:, None, :, None], picks[1][None, :, None, :]
        windows = x[..., r, c].flatten(-2)  # windows: (..., oh, ow, Kh*Kw)
        values, which = windows.amax(-1), windows.argmax(-1)
        if not self.return_indices:
            return values
        positions = (r * w + c).flatten(-2).expand(*values.shape, -1)
        return values, positions.gather(-1, which.unsqueeze(-1)).squeeze(-1)
