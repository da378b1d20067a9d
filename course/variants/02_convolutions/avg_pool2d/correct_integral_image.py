"""Window sums from a 2-D cumulative-sum table; divisors from clipped window bounds."""

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
        # integral image with a leading row and column of zeros
        table = x.cumsum(-2).cumsum(-1)
        n, c, h, w = table.shape
        table = torch.cat([table.new_zeros(n, c, 1, w), table], dim=-2)
        table = torch.cat([table.new_zeros(n, c, h + 1, 1), table], dim=-1)
        bounds, sizes = [], []
        for size, k, s, p, out in geo:
            start = torch.arange(out, device=x.device) * s - p
            end = torch.clamp(start + k, max=size + p)
            padded_len = end - start
            start, end = start.clamp(min=0), end.clamp(max=size)
            bounds.append((start, end))
            sizes.append(padded_len if self.count_include_pad else end - start)
        (h0, h1), (w0, w1) = bounds

        def corner(rows: torch.Tensor, cols: torch.Tensor) -> torch.Tensor:
            return table.index_select(-2, rows).index_select(-1, cols)

        sums = corner(h1, w1) - corner(h0, w1) - corner(h1, w0) + corner(h0, w0)
        if self.divisor_override:
            divisor = torch.tensor(float(self.divisor_override), dtype=x.dtype)
        else:
            divisor = (sizes[0][:, None] * sizes[1][None, :]).to(x.dtype)
        out = sums / divisor
        return out if batched else out.squeeze(0)
