"""Bug: draws one mask of shape (1, C, 1, 1), so every sample drops the same channels."""

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
        if not self.training or self.p == 0:
            return input
        channel_dim = input.dim() - 3
        mask_shape = [1] * input.dim()
        mask_shape[channel_dim] = input.shape[channel_dim]
        if self.p == 1:
            mask = input.new_zeros(mask_shape)
        else:
            mask = input.new_empty(mask_shape).bernoulli_(1 - self.p) / (1 - self.p)
        if self.inplace:
            return input.mul_(mask)
        return input * mask

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
