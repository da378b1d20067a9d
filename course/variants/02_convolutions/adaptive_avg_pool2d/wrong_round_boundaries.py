"""Bug: rounds window boundaries to the nearest integer instead of floor(start) / ceil(end)."""

import torch
from torch import nn


class AdaptiveAvgPool2d(nn.Module):
    def __init__(self, output_size) -> None:
        super().__init__()
        self.output_size = output_size

    def _sizes(self, x: torch.Tensor) -> list:
        wanted = self.output_size
        if not isinstance(wanted, (tuple, list)):
            wanted = (wanted, wanted)
        return [size if o is None else o for size, o in zip(x.shape[-2:], wanted)]

    @staticmethod
    def _bounds(size: int, out: int) -> list:
        return [(round(i * size / out), round((i + 1) * size / out)) for i in range(out)]

    def _averaging_matrix(self, size: int, out: int, like: torch.Tensor) -> torch.Tensor:
        pos = torch.arange(size, device=like.device)
        rows = []
        for start, end in self._bounds(size, out):
            inside = (pos >= start) & (pos < end)
            rows.append(inside.to(like.dtype) / (end - start))
        return torch.stack(rows)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        (h, w), (oh, ow) = input.shape[-2:], self._sizes(input)
        rows = self._averaging_matrix(h, oh, input)
        cols = self._averaging_matrix(w, ow, input)
        return torch.einsum("oh,...hw,pw->...op", rows, input, cols)
