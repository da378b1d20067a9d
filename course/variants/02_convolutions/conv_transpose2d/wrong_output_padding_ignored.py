"""Bug: output_padding (and output_size) is ignored, so the output is too small."""

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

    def forward(self, input: torch.Tensor, output_size=None) -> torch.Tensor:
        batched = input.dim() == 4
        x = input if batched else input.unsqueeze(0)
        extra = (0, 0)
        n, c, h, w = x.shape
        g = self.groups
        out_g = self.out_channels // g
        (kh, kw), (sh, sw), (dh, dw) = self.kernel_size, self.stride, self.dilation
        full_h = (h - 1) * sh + dh * (kh - 1) + 1 + extra[0]
        full_w = (w - 1) * sw + dw * (kw - 1) + 1 + extra[1]
        xg = x.reshape(n, g, c // g, h * w)
        wg = self.weight.reshape(g, c // g, out_g, kh, kw)
        out = x.new_zeros(n, g, out_g, full_h, full_w)
        for i in range(kh):
            for j in range(kw):
                # every input pixel paints weight[:, :, i, j] at offset (i*dh, j*dw)
                contrib = torch.einsum("gco,ngcl->ngol", wg[..., i, j], xg)
                rows = slice(i * dh, i * dh + (h - 1) * sh + 1, sh)
                cols = slice(j * dw, j * dw + (w - 1) * sw + 1, sw)
                out[..., rows, cols] += contrib.reshape(n, g, out_g, h, w)
        ph, pw = self.padding
        out = out[..., ph : full_h - ph, pw : full_w - pw]
        out = out.reshape(n, self.out_channels, full_h - 2 * ph, full_w - 2 * pw)
        if self.bias is not None:
            out = out + self.bias.reshape(1, -1, 1, 1)
        return out if batched else out.squeeze(0)
