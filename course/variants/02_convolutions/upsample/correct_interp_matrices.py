"""Builds one (out, in) interpolation matrix per axis and applies both with einsum."""

import math

import torch
from torch import nn


class Upsample(nn.Module):
    def __init__(
        self,
        size=None,
        scale_factor=None,
        mode: str = "nearest",
        align_corners=None,
        recompute_scale_factor=None,
    ) -> None:
        super().__init__()
        self.name = type(self).__name__
        self.size = size
        if isinstance(scale_factor, tuple):
            self.scale_factor = tuple(float(f) for f in scale_factor)
        else:
            self.scale_factor = float(scale_factor) if scale_factor else None
        self.mode = mode
        self.align_corners = align_corners
        self.recompute_scale_factor = recompute_scale_factor
        if mode not in ("nearest", "bilinear"):
            raise ValueError(f"unsupported mode {mode!r}")
        if mode == "nearest" and align_corners is not None:
            raise ValueError("align_corners option can only be set with interpolating modes")

    @staticmethod
    def _pair(value) -> tuple:
        if isinstance(value, (tuple, list)):
            return tuple(value)
        return (value, value)

    def _plan(self, input: torch.Tensor) -> list:
        """(input size, output size, scale factor or None) for height and width."""
        sizes = input.shape[-2:]
        if self.size is not None:
            if self.recompute_scale_factor:
                raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
            return [(i, o, None) for i, o in zip(sizes, self._pair(self.size))]
        factors = self._pair(self.scale_factor)
        plan = []
        for i, f in zip(sizes, factors):
            o = math.floor(float(i) * f)
            plan.append((i, o, None if self.recompute_scale_factor else f))
        return plan

    @staticmethod
    def _nearest_source(size: int, out: int, factor, device) -> torch.Tensor:
        dst = torch.arange(out, device=device)
        if out == size:
            return dst
        if out == 2 * size:
            return dst // 2
        # torch computes this in single precision
        scale = 1.0 / factor if factor else size / out
        scale = torch.tensor(scale, dtype=torch.float32)
        src = torch.floor(dst.to(torch.float32) * scale).long()
        return src.clamp(max=size - 1)

    def _linear_source(self, size: int, out: int, factor, dtype, device):
        """Left/right source indices and the weight of the right one."""
        dst = torch.arange(out, dtype=dtype, device=device)
        if out == size:  # torch leaves an axis whose size does not change untouched
            idx = torch.arange(size, device=device)
            return idx, idx, torch.zeros(size, dtype=dtype, device=device)
        if self.align_corners:
            scale = (size - 1) / (out - 1) if out > 1 else 0.0
            src = dst * scale
        else:
            scale = 1.0 / factor if factor else size / out
            src = ((dst + 0.5) * scale - 0.5).clamp(min=0)
        left = src.floor().long().clamp(max=size - 1)
        lam = (src - left).clamp(0, 1)
        right = torch.where(left < size - 1, left + 1, left)
        return left, right, lam

    def _matrix(self, size: int, out: int, factor, like: torch.Tensor) -> torch.Tensor:
        """(out, size) interpolation matrix for one axis."""
        eye = torch.eye(size, dtype=like.dtype, device=like.device)
        if self.mode == "nearest":
            return eye[self._nearest_source(size, out, factor, like.device)]
        lo, hi, lam = self._linear_source(size, out, factor, like.dtype, like.device)
        return eye[lo] * (1 - lam)[:, None] + eye[hi] * lam[:, None]

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        (h, oh, fh), (w, ow, fw) = self._plan(input)
        rows = self._matrix(h, oh, fh, input)
        cols = self._matrix(w, ow, fw, input)
        return torch.einsum("oh,nchw,pw->ncop", rows, input, cols)
