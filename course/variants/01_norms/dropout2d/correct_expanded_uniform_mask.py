"""Draws uniform numbers per (dim0, dim1), thresholds them and expands the factor to the input."""

import torch
from torch import nn


class Dropout2d(nn.Module):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if not self.training:
            return input
        lead = input.shape[:2]
        keep = torch.rand(lead, dtype=input.dtype, device=input.device) >= self.p
        scale = 0.0 if self.p == 1 else 1.0 / (1.0 - self.p)
        factor = (keep.to(input.dtype) * scale)[(...,) + (None,) * (input.dim() - 2)]
        factor = factor.expand_as(input)
        if self.inplace:
            input *= factor
            return input
        return input * factor

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
