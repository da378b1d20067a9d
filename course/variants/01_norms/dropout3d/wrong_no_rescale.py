"""Bug: drops whole channels but does not scale the kept ones by 1/(1-p)."""

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
        mask = (torch.rand(mask_shape, dtype=input.dtype, device=input.device) >= self.p).to(
            input.dtype
        )
        return input.mul_(mask) if self.inplace else input * mask
