"""Bug: ignores self.training, so channels are still dropped in eval mode."""

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
        mask_shape = tuple(input.shape[:2]) + (1,) * (input.dim() - 2)
        if self.p == 1:
            mask = input.new_zeros(mask_shape)
        else:
            mask = input.new_empty(mask_shape).bernoulli_(1 - self.p) / (1 - self.p)
        if self.inplace:
            return input.mul_(mask)
        return input * mask

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
