"""Bug: rows ordered (kh, kw, C) instead of (C, kh, kw)."""

import torch
from torch import nn


class Unfold(nn.Module):
    def __init__(self, kernel_size, dilation=1, padding=0, stride=1) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    @staticmethod
    def _pair(value) -> tuple:
        if isinstance(value, (tuple, list)):
            return tuple(value)
        return (value, value)

    def _zero_pad(self, x: torch.Tensor) -> torch.Tensor:
        ph, pw = self._pair(self.padding)
        n, c, h, w = x.shape
        x = torch.cat([x.new_zeros(n, c, ph, w), x, x.new_zeros(n, c, ph, w)], dim=2)
        return torch.cat(
            [x.new_zeros(n, c, h + 2 * ph, pw), x, x.new_zeros(n, c, h + 2 * ph, pw)], 3
        )

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        batched = input.dim() == 4
        x = self._zero_pad(input if batched else input.unsqueeze(0))
        (kh, kw), (dh, dw) = self._pair(self.kernel_size), self._pair(self.dilation)
        sh, sw = self._pair(self.stride)
        n, c, h, w = x.shape
        oh = (h - dh * (kh - 1) - 1) // sh + 1
        ow = (w - dw * (kw - 1) - 1) // sw + 1
        taps = []
        for i in range(kh):
            for j in range(kw):
                rows = slice(i * dh, i * dh + (oh - 1) * sh + 1, sh)
                cols = slice(j * dw, j * dw + (ow - 1) * sw + 1, sw)
                taps.append(x[:, :, rows, cols].reshape(n, c, oh * ow))
        out = torch.stack(taps, dim=1).reshape(n, c * kh * kw, oh * ow)
        return out if batched else out.squeeze(0)
