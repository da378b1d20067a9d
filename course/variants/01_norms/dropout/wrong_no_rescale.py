"""Bug: zeroes elements but forgets to rescale the survivors by 1/(1-p)."""

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
        mask = torch.empty_like(input).bernoulli_(1 - self.p)
        if self.inplace:
            return input.mul_(mask)
        return input * mask

    def extra_repr(self) -> str:
        return f"p={self.p}, inplace={self.inplace}"
