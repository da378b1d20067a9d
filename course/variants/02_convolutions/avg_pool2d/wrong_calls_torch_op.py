"""Bug: calls the torch op it should build (F.avg_pool2d)."""

import torch
import torch.nn.functional as F
from torch import nn


class AvgPool2d(nn.Module):
    def __init__(
        self,
        kernel_size,
        stride=None,
        padding=0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override=None,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    @staticmethod
    def _pair(value) -> tuple:
        if isinstance(value, (tuple, list)):
            return tuple(value)
        return (value, value)

    def _geometry(self, sizes) -> list:
        rows = []
        for size, k, s, p in zip(
            sizes, self._pair(self.kernel_size), self._pair(self.stride), self._pair(self.padding)
        ):
            if p > k // 2:
                raise ValueError("pad should be at most half of kernel size")
            span = size + 2 * p - k
            out = (span + (s - 1 if self.ceil_mode else 0)) // s + 1
            if self.ceil_mode and (out - 1) * s >= size + p:
                out -= 1
            rows.append((size, k, s, p, out))
        return rows

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.avg_pool2d(
            input,
            self.kernel_size,
            self.stride,
            self.padding,
            self.ceil_mode,
            self.count_include_pad,
            self.divisor_override,
        )
