"""Bug: pads with zeros instead of -inf, so padding can win the max."""

import torch
from torch import nn


class MaxPool1d(nn.Module):
    def __init__(
        self,
        kernel_size,
        stride=None,
        padding=0,
        dilation=1,
        return_indices: bool = False,
        ceil_mode: bool = False,
    ) -> None:
        super().__init__()
        self.kernel_size = kernel_size
        self.stride = stride if (stride is not None) else kernel_size
        self.padding = padding
        self.dilation = dilation
        self.return_indices = return_indices
        self.ceil_mode = ceil_mode

    @staticmethod
    def _ntuple(value, n: int) -> tuple:
        if isinstance(value, (tuple, list)):
            return tuple(value)
        return (value,) * n

    def _geometry(self, sizes) -> list:
        nd = len(sizes)
        rows = []
        for size, k, s, p, d in zip(
            sizes,
            self._ntuple(self.kernel_size, nd),
            self._ntuple(self.stride, nd),
            self._ntuple(self.padding, nd),
            self._ntuple(self.dilation, nd),
        ):
            if p > k // 2:
                raise ValueError("pad should be at most half of effective kernel size")
            span = size + 2 * p - d * (k - 1) - 1
            out = (span + (s - 1 if self.ceil_mode else 0)) // s + 1
            if self.ceil_mode and (out - 1) * s >= size + p:
                out -= 1  # the last window must start inside the input or the left padding
            rows.append((size, k, s, p, d, out))
        return rows

    def forward(self, input: torch.Tensor):
        nd = 1
        batched = input.dim() == nd + 2
        x = input if batched else input.unsqueeze(0)
        geo = self._geometry(x.shape[-nd:])
        plane = torch.arange(x.shape[-nd:].numel(), device=x.device).reshape(x.shape[-nd:])
        for i, (size, k, s, p, d, out) in enumerate(geo):
            need = (out - 1) * s + d * (k - 1) + 1
            hi = max(need - size - p, p)
            axis = x.dim() - nd + i
            shape = list(x.shape)
            shape[axis] = size + p + hi
            padded = x.new_zeros(shape)
            padded.narrow(axis, p, size).copy_(x)
            x = padded
            pshape = list(plane.shape)
            pshape[i] = size + p + hi
            pidx = plane.new_full(pshape, -1)
            pidx.narrow(i, p, size).copy_(plane)
            plane = pidx
        for i, (_size, k, s, _p, d, out) in enumerate(geo):
            x = x.unfold(2 + i, d * (k - 1) + 1, s)[..., ::d].narrow(2 + i, 0, out)
            plane = plane.unfold(i, d * (k - 1) + 1, s)[..., ::d].narrow(i, 0, out)
        x = x.flatten(-nd)
        plane = plane.flatten(-nd).expand(x.shape)
        values, arg = x.max(dim=-1)
        indices = plane.gather(-1, arg.unsqueeze(-1)).squeeze(-1)
        if not batched:
            values, indices = values.squeeze(0), indices.squeeze(0)
        return (values, indices) if self.return_indices else values
