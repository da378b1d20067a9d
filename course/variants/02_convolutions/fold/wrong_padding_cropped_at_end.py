"""Bug: crops the padding from the bottom/right only instead of from both sides."""

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
        hp, wp = h + 2 * ph, w + 2 * pw
        dev = x.device
        # flat position in the padded plane of every (ki, kj, block row, block col)
        rows = torch.arange(kh, device=dev)[:, None] * dh + torch.arange(oh, device=dev) * sh
        cols = torch.arange(kw, device=dev)[:, None] * dw + torch.arange(ow, device=dev) * sw
        where = rows[:, None, :, None] * wp + cols[None, :, None, :]  # (kh, kw, oh, ow)
        plane = x.new_zeros(n, c, hp * wp)
        plane = plane.index_add(2, where.reshape(-1), x.reshape(n, c, -1))
        out = plane.reshape(n, c, hp, wp)[:, :, :h, :w]
        return out if batched else out.squeeze(0)
