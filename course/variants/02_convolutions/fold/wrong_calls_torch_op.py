"""Bug: calls the torch op it should build (F.fold)."""

import torch
import torch.nn.functional as F
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
        return F.fold(
            input, self.output_size, self.kernel_size, self.dilation, self.padding, self.stride
        )
