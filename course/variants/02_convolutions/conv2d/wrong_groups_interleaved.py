"""Bug: output channel o reads input group o % groups instead of o // (out_channels // groups)."""

import math

import torch
from torch import nn


class Conv2d(nn.Module):
    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups: int = 1,
        bias: bool = True,
        padding_mode: str = "zeros",
    ) -> None:
        super().__init__()
        nd = 2
        if groups <= 0 or in_channels % groups or out_channels % groups:
            raise ValueError("in_channels and out_channels must be divisible by groups")
        if padding_mode not in ("zeros", "reflect", "replicate", "circular"):
            raise ValueError(f"unknown padding_mode {padding_mode!r}")
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = self._ntuple(kernel_size, nd)
        self.stride = self._ntuple(stride, nd)
        self.dilation = self._ntuple(dilation, nd)
        if isinstance(padding, str):
            if padding not in ("same", "valid"):
                raise ValueError(f"invalid padding string {padding!r}")
            if padding == "same" and any(s != 1 for s in self.stride):
                raise ValueError("padding='same' is not supported for strided convolutions")
            self.padding = padding
        else:
            self.padding = self._ntuple(padding, nd)
        self.groups = groups
        self.padding_mode = padding_mode
        self.weight = nn.Parameter(
            torch.empty(out_channels, in_channels // groups, *self.kernel_size)
        )
        if bias:
            self.bias = nn.Parameter(torch.empty(out_channels))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    @staticmethod
    def _ntuple(value, n: int) -> tuple:
        if isinstance(value, (tuple, list)):
            return tuple(value)
        return (value,) * n

    def reset_parameters(self) -> None:
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * math.prod(self.kernel_size)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            nn.init.uniform_(self.bias, -bound, bound)

    def _pad_pairs(self) -> list:
        if self.padding == "valid":
            return [(0, 0)] * len(self.kernel_size)
        if self.padding == "same":
            pairs = []
            for k, d in zip(self.kernel_size, self.dilation):
                total = d * (k - 1)
                pairs.append((total // 2, total - total // 2))
            return pairs
        return [(p, p) for p in self.padding]

    def _pad(self, x: torch.Tensor, pairs: list) -> torch.Tensor:
        first = x.dim() - len(pairs)
        for i, (lo, hi) in enumerate(pairs):
            if lo == 0 and hi == 0:
                continue
            axis = first + i
            size = x.shape[axis]
            if self.padding_mode == "zeros":
                shape = list(x.shape)
                shape[axis] = size + lo + hi
                out = x.new_zeros(shape)
                out.narrow(axis, lo, size).copy_(x)
                x = out
                continue
            idx = torch.arange(-lo, size + hi, device=x.device)
            if self.padding_mode == "reflect":
                idx = idx.abs()
                idx = torch.where(idx >= size, 2 * (size - 1) - idx, idx)
            elif self.padding_mode == "replicate":
                idx = idx.clamp(0, size - 1)
            else:
                idx = idx.remainder(size)
            x = x.index_select(axis, idx)
        return x

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        nd = len(self.kernel_size)
        batched = input.dim() == nd + 2
        x = input if batched else input.unsqueeze(0)
        x = self._pad(x, self._pad_pairs())
        for i, (k, s, d) in enumerate(zip(self.kernel_size, self.stride, self.dilation)):
            # the window axis is appended last; keep every d-th tap of the dilated extent
            x = x.unfold(2 + i, d * (k - 1) + 1, s)[..., ::d]
        n, c = x.shape[:2]
        g = self.groups
        out_sizes = x.shape[2 : 2 + nd]
        x = x.reshape(n, g, c // g, *x.shape[2:])
        w = self.weight.reshape(self.out_channels // g, g, c // g, *self.kernel_size)
        o, kk = "ijk"[:nd], "uvw"[:nd]
        out = torch.einsum(f"ngc{o}{kk},dgc{kk}->ndg{o}", x, w)
        out = out.reshape(n, self.out_channels, *out_sizes)
        if self.bias is not None:
            out = out + self.bias.reshape(1, -1, *([1] * nd))
        return out if batched else out.squeeze(0)
