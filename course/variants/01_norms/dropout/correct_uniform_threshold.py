"""Keeps an element when a uniform draw is >= p; the scale is a python float (0 when p == 1)."""

import torch
from torch import nn


class Dropout(nn.Module):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return input
        keep = torch.rand_like(input) >= self.p
        scale = 0.0 if self.p == 1 else 1.0 / (1.0 - self.p)
        factor = keep.to(input.dtype) * scale
        if self.inplace:
            input *= factor
            return input
        return input * factor

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
