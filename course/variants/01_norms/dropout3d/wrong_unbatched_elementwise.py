"""Bug: handles only batched volumes; one volume (C, D, H, W) falls back to elementwise dropout."""

import torch
from torch import nn


class Dropout3d(nn.Module):
    def __init__(self, p: float = 0.5, inplace: bool = False) -> None:
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0:
            return input
        scale = 0.0 if self.p == 1 else 1.0 / (1.0 - self.p)
        if input.dim() == 5:
            mask_shape = tuple(input.shape[:2]) + (1, 1, 1)
        else:
            mask_shape = input.shape
        mask = (torch.rand(mask_shape, dtype=input.dtype, device=input.device) >= self.p) * scale
        return input.mul_(mask) if self.inplace else input * mask
