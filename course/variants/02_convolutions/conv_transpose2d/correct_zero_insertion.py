"""Zero insertion + d*(k-1)-p padding, then a stride-1 conv with the flipped, swapped kernel."""

import math

import torch
from torch import nn


class ConvTranspose2d(nn.Module):
    def __init__(
        self,
        in_channels: int,
        out_channels: int,
        kernel_size,
        stride=1,
        padding=0,
        output_padding=0,
        groups: int = 1,
        bias: bool = True,
        dilation=1,
        padding_mode: str = "zeros",
    ) -> None:
        super().__init__()
        if groups <= 0 or in_channels % groups or out_channels % groups:
            raise ValueError("in_channels and out_channels must be divisible by groups")
        if padding_mode != "zeros":
            raise ValueError('Only "zeros" padding mode is supported for ConvTranspose2d')
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = self._pair(kernel_size)
        self.stride = self._pair(stride)
        self.padding = self._pair(padding)
        self.output_padding = self._pair(output_padding)
        self.dilation = self._pair(dilation)
        self.groups = groups
        self.padding_mode = padding_mode
        for op, s, d in zip(self.output_padding, self.stride, self.dilation):
            if op >= max(s, d):
                raise ValueError("output padding must be smaller than either stride or dilation")
        self.weight = nn.Parameter(
            torch.empty(in_channels, out_channels // groups, *self.kernel_size)
        )
        if bias:
            self.bias = nn.Parameter(torch.empty(out_channels))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    @staticmethod
    def _pair(value) -> tuple:
        if isinstance(value, (tuple, list)):
            return tuple(value)
        return (value, value)

    def reset_parameters(self) -> None:
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in = self.weight.shape[1] * math.prod(self.kernel_size)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0.0
            nn.init.uniform_(self.bias, -bound, bound)

    def _resolve_output_padding(self, x: torch.Tensor, output_size) -> tuple:
        if output_size is None:
            return self.output_padding
        wanted = list(output_size)[-2:]
        result = []
        for size, want, k, s, p, d in zip(
            x.shape[-2:], wanted, self.kernel_size, self.stride, self.padding, self.dilation
        ):
            smallest = (size - 1) * s - 2 * p + d * (k - 1) + 1
            if not smallest <= want < smallest + s:
                raise ValueError(
                    f"requested an output size of {wanted}, but valid sizes range from "
                    f"{smallest} to {smallest + s - 1}"
                )
            result.append(want - smallest)
        return tuple(result)

    @staticmethod
    def _pad_axis(z: torch.Tensor, axis: int, lo: int, hi: int) -> torch.Tensor:
        # negative amounts crop, positive amounts append zeros
        if lo < 0:
            z = z.narrow(axis, -lo, z.shape[axis] + lo)
            lo = 0
        if hi < 0:
            z = z.narrow(axis, 0, z.shape[axis] + hi)
            hi = 0
        parts = []
        if lo:
            shape = list(z.shape)
            shape[axis] = lo
            parts.append(z.new_zeros(shape))
        parts.append(z)
        if hi:
            shape = list(z.shape)
            shape[axis] = hi
            parts.append(z.new_zeros(shape))
        return torch.cat(parts, dim=axis)

    def forward(self, input: torch.Tensor, output_size=None) -> torch.Tensor:
        batched = input.dim() == 4
        x = input if batched else input.unsqueeze(0)
        extra = self._resolve_output_padding(x, output_size)
        n, c, h, w = x.shape
        sh, sw = self.stride
        # 1) insert stride - 1 zeros between input pixels
        z = x.new_zeros(n, c, (h - 1) * sh + 1, (w - 1) * sw + 1)
        z[:, :, ::sh, ::sw] = x
        # 2) pad by d*(k-1) - p on each side (+ output_padding at the end)
        for axis, k, d, p, op in zip((2, 3), self.kernel_size, self.dilation, self.padding, extra):
            z = self._pad_axis(z, axis, d * (k - 1) - p, d * (k - 1) - p + op)
        # 3) ordinary stride-1 dilated cross-correlation with the flipped kernel
        (kh, kw), (dh, dw) = self.kernel_size, self.dilation
        win = z.unfold(2, dh * (kh - 1) + 1, 1)[..., ::dh]
        win = win.unfold(3, dw * (kw - 1) + 1, 1)[..., ::dw]
        g = self.groups
        win = win.reshape(n, g, c // g, *win.shape[2:])
        kernel = self.weight.reshape(g, c // g, -1, kh, kw).flip(-2, -1)
        out = torch.einsum("ngchwuv,gcouv->ngohw", win, kernel)
        out = out.reshape(n, self.out_channels, *out.shape[-2:])
        if self.bias is not None:
            out = out + self.bias.reshape(1, -1, 1, 1)
        return out if batched else out.squeeze(0)
