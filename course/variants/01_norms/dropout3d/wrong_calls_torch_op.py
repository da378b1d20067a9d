"""Bug: calls torch.nn.functional.dropout3d, the operation this exercise rebuilds."""

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
        return nn.functional.dropout3d(input, self.p, self.training, self.inplace)
