"""Concatenates expanded copies of the edge columns, then narrow()s away negative sides."""

import numbers

import torch
from torch import nn


class ReplicationPad1d(nn.Module):
    def __init__(self, padding) -> None:
        super().__init__()
        if isinstance(padding, numbers.Integral):
            padding = (padding, padding)
        self.padding = tuple(padding)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        left, right = self.padding
        width = input.shape[-1]
        if width + left + right < 1:
            raise RuntimeError(
                f"input (W: {width}) is too small. Calculated output W: {width + left + right}"
            )
        lead = input.shape[:-1]
        parts = [input]
        if left > 0:
            parts.insert(0, input[..., :1].expand(*lead, left))
        if right > 0:
            parts.append(input[..., -1:].expand(*lead, right))
        out = torch.cat(parts, dim=-1)
        # negative sides crop the padded result, which is what index clamping gives
        start = -min(left, 0)
        return out.narrow(-1, start, out.shape[-1] - start + min(right, 0))

    def extra_repr(self) -> str:
        return f"{self.padding}"
