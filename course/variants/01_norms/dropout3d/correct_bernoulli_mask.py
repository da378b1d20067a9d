"""One Bernoulli draw per channel (n, c), or per c of one volume, broadcast over D, H, W."""

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
        lead = 2 if input.dim() == 5 else 1
        mask_shape = tuple(input.shape[:lead]) + (1,) * (input.dim() - lead)
        if self.p == 1:
            mask = input.new_zeros(mask_shape)
        else:
            mask = input.new_empty(mask_shape).bernoulli_(1 - self.p).div_(1 - self.p)
        return input.mul_(mask) if self.inplace else input * mask
