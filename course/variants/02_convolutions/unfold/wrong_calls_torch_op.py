"""Bug: calls the torch op it should build (F.unfold)."""

import torch
import torch.nn.functional as F
from torch import nn


class Unfold(nn.Module):
    def __init__(self, kernel_size, dilation=1, padding=0, stride=1) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    @staticmethod
    def _pair(value) -> tuple:
        if isinstance(value, (tuple, list)):
            return tuple(value)
        return (value, value)

    def _zero_pad(self, x: torch.Tensor) -> torch.Tensor:
        ph, pw = self._pair(self.padding)
        n, c, h, w = x.shape
        x = torch.cat([x.new_zeros(n, c, ph, w), x, x.new_zeros(n, c, ph, w)], dim=2)
        return torch.cat(
            [x.new_zeros(n, c, h + 2 * ph, pw), x, x.new_zeros(n, c, h + 2 * ph, pw)], 3
        )

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        return F.unfold(input, self.kernel_size, self.dilation, self.padding, self.stride)
