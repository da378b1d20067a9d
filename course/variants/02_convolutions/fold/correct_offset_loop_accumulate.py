"""Loops over kernel offsets and accumulates strided slices into a padded buffer."""

import torch
from torch import nn


class Fold(nn.Module):
    def __init__(self, output_size, kernel_size, dilation=1, padding=0, stride=1) -> None:
        super().__init__()
        self.output_size = output_size
        self.kernel_size = kernel_size
        self.dilation = dilation
        self.padding = padding
        self.stride = stride

    @staticmethod
    def _pair(value) -> tuple:
        if isinstance(value, (tuple, list)):
            return tuple(value)
        return (value, value)

    def _geometry(self, input: torch.Tensor) -> tuple:
        (h, w), (kh, kw) = self._pair(self.output_size), self._pair(self.kernel_size)
        (dh, dw), (ph, pw) = self._pair(self.dilation), self._pair(self.padding)
        sh, sw = self._pair(self.stride)
        oh = (h + 2 * ph - dh * (kh - 1) - 1) // sh + 1
        ow = (w + 2 * pw - dw * (kw - 1) - 1) // sw + 1
        if input.shape[-1] != oh * ow or input.shape[-2] % (kh * kw):
            raise RuntimeError(f"Fold: input of shape {tuple(input.shape)} does not match")
        return h, w, kh, kw, dh, dw, ph, pw, sh, sw, oh, ow

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        batched = input.dim() == 3
        x = input if batched else input.unsqueeze(0)
        h, w, kh, kw, dh, dw, ph, pw, sh, sw, oh, ow = self._geometry(x)
        n, c = x.shape[0], x.shape[1] // (kh * kw)
        blocks = x.reshape(n, c, kh, kw, oh, ow)
        hp = max(h + 2 * ph, dh * (kh - 1) + (oh - 1) * sh + 1)
        wp = max(w + 2 * pw, dw * (kw - 1) + (ow - 1) * sw + 1)
        out = x.new_zeros(n, c, hp, wp)
        for i in range(kh):
            for j in range(kw):
                rows = slice(i * dh, i * dh + (oh - 1) * sh + 1, sh)
                cols = slice(j * dw, j * dw + (ow - 1) * sw + 1, sw)
                out[:, :, rows, cols] += blocks[:, :, i, j]
        out = out[:, :, ph : ph + h, pw : pw + w]
        return out if batched else out.squeeze(0)
