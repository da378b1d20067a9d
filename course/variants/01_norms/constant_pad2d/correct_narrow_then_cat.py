"""Pads one dim at a time (W then H): narrow() for negative sides, torch.cat for positive."""

import numbers

import torch
from torch import nn


class ConstantPad2d(nn.Module):
    def __init__(self, padding, value: float) -> None:
        super().__init__()
        if isinstance(padding, numbers.Integral):
            padding = (padding,) * 4
        self.padding = tuple(padding)
        self.value = value

    @staticmethod
    def _block_shape(x: torch.Tensor, dim: int, amount: int) -> list:
        shape = list(x.shape)
        shape[dim] = amount
        return shape

    def _pad_dim(self, x: torch.Tensor, dim: int, before: int, after: int) -> torch.Tensor:
        if before < 0:
            x = x.narrow(dim, -before, x.shape[dim] + before)
        if after < 0:
            x = x.narrow(dim, 0, x.shape[dim] + after)
        parts = [x]
        if before > 0:
            parts.insert(0, x.new_full(self._block_shape(x, dim, before), self.value))
        if after > 0:
            parts.append(x.new_full(self._block_shape(x, dim, after), self.value))
        return torch.cat(parts, dim)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        left, right, top, bottom = self.padding
        out = self._pad_dim(input, -1, left, right)
        return self._pad_dim(out, -2, top, bottom)

    def extra_repr(self) -> str:
        return f"padding={self.padding}, value={self.value}"
