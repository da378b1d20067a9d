"""Bug: counts the whole kernel (beyond the padding) for ceil_mode overhanging windows."""

import torch
from torch import nn


class AvgPool2d(nn.Module):
    def __init__(
        self,
        kernel_size,
        stride=None,
        padding=0,
        ceil_mode: bool = False,
        count_include_pad: bool = True,
        divisor_override=None,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.ceil_mode = ceil_mode
        self.count_include_pad = count_include_pad
        self.divisor_override = divisor_override

    @staticmethod
    def _pair(value) -> tuple:
        if isinstance(value, (tuple, list)):
            return tuple(value)
        return (value, value)

    def _geometry(self, sizes) -> list:
        rows = []
        for size, k, s, p in zip(
            sizes, self._pair(self.kernel_size), self._pair(self.stride), self._pair(self.padding)
        ):
            if p > k // 2:
                raise ValueError("pad should be at most half of kernel size")
            span = size + 2 * p - k
            out = (span + (s - 1 if self.ceil_mode else 0)) // s + 1
            if self.ceil_mode and (out - 1) * s >= size + p:
                out -= 1
            rows.append((size, k, s, p, out))
        return rows

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        batched = input.dim() == 4
        x = input if batched else input.unsqueeze(0)
        geo = self._geometry(x.shape[-2:])
        counts = []
        for i, (size, k, s, p, out) in enumerate(geo):
            full = max((out - 1) * s + k, size + 2 * p)
            axis = 2 + i
            shape = list(x.shape)
            shape[axis] = full
            padded = x.new_zeros(shape)
            padded.narrow(axis, p, size).copy_(x)
            x = padded.unfold(axis, k, s).narrow(axis, 0, out)
            # which padded positions count towards the divisor
            mask = torch.zeros(full, dtype=x.dtype, device=x.device)
            if self.count_include_pad:
                mask[:] = 1
            else:
                mask[p : p + size] = 1
            counts.append(mask.unfold(0, k, s)[:out].sum(-1))
        sums = x.sum(dim=(-2, -1))
        if self.divisor_override:
            out = sums / self.divisor_override
        else:
            out = sums / (counts[0][:, None] * counts[1][None, :])
        return out if batched else out.squeeze(0)
