"""Builds the output size as a list from torch.Size pieces (Size.numel) and uses view/reshape."""

import torch
from torch import nn


class Flatten(nn.Module):
    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def _canonical(self, dim: int, ndim: int) -> int:
        lo, hi = -max(ndim, 1), max(ndim, 1) - 1
        if dim < lo or dim > hi:
            raise IndexError(
                f"Dimension out of range (expected to be in range of [{lo}, {hi}], but got {dim})"
            )
        return dim + max(ndim, 1) if dim < 0 else dim

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        ndim = input.dim()
        start = self._canonical(self.start_dim, ndim)
        end = self._canonical(self.end_dim, ndim)
        if start > end:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if ndim == 0:
            return input.view(1)
        size = list(input.size())
        new_size = size[:start] + [input.size()[start : end + 1].numel()] + size[end + 1 :]
        if input.is_contiguous():
            return input.view(new_size)
        return input.reshape(new_size)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
