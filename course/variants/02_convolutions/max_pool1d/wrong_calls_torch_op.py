"""Bug: calls the torch op it should build (F.max_pool1d)."""

import torch
import torch.nn.functional as F
from torch import nn


class MaxPool1d(nn.Module):
    def __init__(
        self,
        kernel_size,
        stride=None,
        padding=0,
        dilation=1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    @staticmethod
    def _ntuple(value, n: int) -> tuple:
        if isinstance(value, (tuple, list)):
            return tuple(value)
        return (value,) * n

    def _geometry(self, sizes) -> list:
        nd = len(sizes)
        rows = []
        for size, k, s, p, d in zip(
            sizes,
            self._ntuple(self.kernel_size, nd),
            self._ntuple(self.stride, nd),
            self._ntuple(self.padding, nd),
            self._ntuple(self.dilation, nd),
        ):
            if p > k // 2:
                raise ValueError("pad should be at most half of effective kernel size")
            span = size + 2 * p - d * (k - 1) - 1
            out = (span + (s - 1 if self.ceil_mode else 0)) // s + 1
            if self.ceil_mode and (out - 1) * s >= size + p:
                out -= 1  # the last window must start inside the input or the left padding
            rows.append((size, k, s, p, d, out))
        return rows

    def forward(self, input: torch.Tensor):
        return F.max_pool1d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            ceil_mode=self.ceil_mode,
            return_indices=self.return_indices,
        )
