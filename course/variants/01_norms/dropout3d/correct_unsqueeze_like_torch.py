"""Like torch: an unbatched volume gets a batch dimension of one, dropped, then removed again."""

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
        if not self.training:
            return input
        batched = input if input.dim() == 5 else input.unsqueeze(0)
        n, c = batched.shape[:2]
        keep = torch.rand(n, c, 1, 1, 1, dtype=input.dtype, device=input.device) >= self.p
        scale = 0.0 if self.p == 1 else 1 / (1 - self.p)
        mask = (keep * scale).to(input.dtype).expand_as(batched)
        mask = mask if input.dim() == 5 else mask.squeeze(0)
        return input.mul_(mask) if self.inplace else input * mask
