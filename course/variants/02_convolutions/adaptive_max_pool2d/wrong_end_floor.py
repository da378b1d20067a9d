"""Bug: window ends use floor((i + 1) * In / Out) instead of ceil."""

import torch
from torch import nn


class AdaptiveMaxPool2d(nn.Module):
    def __init__(self, output_size, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def _sizes(self, x: torch.Tensor) -> list:
        wanted = self.output_size
        if not isinstance(wanted, (tuple, list)):
            wanted = (wanted, wanted)
        return [size if o is None else o for size, o in zip(x.shape[-2:], wanted)]

    @staticmethod
    def _bounds(size: int, out: int) -> list:
        return [((i * size) // out, ((i + 1) * size) // out) for i in range(out)]

    def _inside(self, size: int, out: int, device) -> torch.Tensor:
        pos = torch.arange(size, device=device)
        return torch.stack([(pos >= a) & (pos < b) for a, b in self._bounds(size, out)])

    def forward(self, input: torch.Tensor):
        (h, w), (oh, ow) = input.shape[-2:], self._sizes(input)
        rows = self._inside(h, oh, input.device)  # (oh, h)
        cols = self._inside(w, ow, input.device)  # (ow, w)
        inside = rows[:, None, :, None] & cols[None, :, None, :]  # (oh, ow, h, w)
        penalty = torch.zeros(inside.shape, dtype=input.dtype, device=input.device)
        penalty = penalty.masked_fill(~inside, float("-inf"))
        scores = input[..., None, None, :, :] + penalty
        values, indices = scores.flatten(-2).max(dim=-1)
        return (values, indices) if self.return_indices else values
