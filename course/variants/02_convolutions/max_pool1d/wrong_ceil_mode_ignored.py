"""Bug: ignores ceil_mode and always floors the output size."""

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
            out = span // s + 1
            if self.ceil_mode and (out - 1) * s >= size + p:
                out -= 1  # the last window must start inside the input or the left padding
            rows.append((size, k, s, p, d, out))
        return rows

    def forward(self, input: torch.Tensor):
        nd = 1
        batched = input.dim() == nd + 2
        x = input if batched else input.unsqueeze(0)
        geo = self._geometry(x.shape[-nd:])
        # index of every input element in its (unpadded) plane, -1 in the padding
        flat = torch.arange(x.shape[-nd:].numel(), device=x.device).reshape(x.shape[-nd:])
        for i, (size, k, s, p, d, out) in enumerate(geo):
            hi = max((out - 1) * s + d * (k - 1) + 1 - size - p, 0)
            axis = x.dim() - nd + i
            lo_shape = list(x.shape)
            lo_shape[axis] = p
            hi_shape = list(x.shape)
            hi_shape[axis] = hi
            x = torch.cat(
                [x.new_full(lo_shape, float("-inf")), x, x.new_full(hi_shape, float("-inf"))],
                dim=axis,
            )
            lo_shape = list(flat.shape)
            lo_shape[i] = p
            hi_shape = list(flat.shape)
            hi_shape[i] = hi
            flat = torch.cat([flat.new_full(lo_shape, -1), flat, flat.new_full(hi_shape, -1)], i)
        best = best_idx = None
        total = 1
        for _size, k, *_ in geo:
            total *= k
        for step in range(total):
            offset, rest = [], step
            for _size, k, *_ in reversed(geo):
                rest, r = divmod(rest, k)
                offset.insert(0, r)
            window = tuple(
                slice(o * d, o * d + s * (out - 1) + 1, s)
                for o, (_size, _k, s, _p, d, out) in zip(offset, geo)
            )
            vals = x[(Ellipsis, *window)]
            idx = flat[window].expand(vals.shape)
            if best is None:
                best, best_idx = vals, idx
            else:
                take = vals > best  # strict: the first maximum in scan order wins
                best = torch.where(take, vals, best)
                best_idx = torch.where(take, idx, best_idx)
        if not batched:
            best, best_idx = best.squeeze(0), best_idx.squeeze(0)
        return (best, best_idx) if self.return_indices else best
