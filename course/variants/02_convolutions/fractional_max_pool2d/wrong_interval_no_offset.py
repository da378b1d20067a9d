"""Bug: starts are int((i + u) * alpha) without subtracting int(u * alpha) (clamped to fit)."""

import torch
from torch import nn


class FractionalMaxPool2d(nn.Module):
    def __init__(
        self,
        kernel_size,
        output_size=None,
        output_ratio=None,
        return_indices: bool = False,
        _random_samples=None,
    ) -> None:
        super().__init__()
        self.kernel_size = self._pair(kernel_size)
        self.return_indices = return_indices
        self.register_buffer("_random_samples", _random_samples)
        self.output_size = self._pair(output_size) if output_size is not None else None
        self.output_ratio = self._pair(output_ratio) if output_ratio is not None else None
        if output_size is None and output_ratio is None:
            raise ValueError("FractionalMaxPool2d requires an output_size or an output_ratio")
        if output_size is not None and output_ratio is not None:
            raise ValueError("only one of output_size and output_ratio may be specified")
        if self.output_ratio is not None:
            if not (0 < self.output_ratio[0] < 1 and 0 < self.output_ratio[1] < 1):
                raise ValueError(f"output_ratio must be between 0 and 1 (got {output_ratio})")

    @staticmethod
    def _pair(value) -> tuple:
        if isinstance(value, (tuple, list)):
            return tuple(value)
        return (value, value)

    def _out_sizes(self, input: torch.Tensor) -> tuple:
        if self.output_size is not None:
            return self.output_size
        h, w = input.shape[-2:]
        return int(h * self.output_ratio[0]), int(w * self.output_ratio[1])

    def _samples(self, input: torch.Tensor) -> torch.Tensor:
        if self._random_samples is not None:
            return self._random_samples
        n_batch = 1 if input.dim() == 3 else input.size(0)
        return torch.rand(n_batch, input.size(-3), 2, dtype=input.dtype, device=input.device)

    @staticmethod
    def _starts(sample: torch.Tensor, size: int, out: int, pool: int) -> torch.Tensor:
        """Window starts (..., out) from per-plane samples (...,), in the input's precision."""
        last = torch.full((*sample.shape, 1), size - pool, device=sample.device)
        if out == 1:
            return last
        alpha = torch.tensor(size - pool, dtype=sample.dtype) / torch.tensor(
            out - 1, dtype=sample.dtype
        )
        i = torch.arange(out - 1, dtype=sample.dtype, device=sample.device)
        starts = ((i + sample[..., None]) * alpha).long().clamp(max=size - pool)
        return torch.cat([starts, last], dim=-1)

    def forward(self, input: torch.Tensor):
        batched = input.dim() == 4
        x = input if batched else input.unsqueeze(0)
        (kh, kw), (oh, ow) = self.kernel_size, self._out_sizes(x)
        n, c, h, w = x.shape
        samples = self._samples(input).to(x.dtype).expand(n, c, 2)
        top = self._starts(samples[..., 1], h, oh, kh)[..., :, None]
        left = self._starts(samples[..., 0], w, ow, kw)[..., None, :]
        plane = x.reshape(n, c, h * w)
        best = best_idx = None
        for di in range(kh):
            for dj in range(kw):
                idx = ((top + di) * w + (left + dj)).reshape(n, c, oh * ow)
                vals = plane.gather(-1, idx)
                if best is None:
                    best, best_idx = vals, idx
                else:
                    take = vals > best
                    best = torch.where(take, vals, best)
                    best_idx = torch.where(take, idx, best_idx)
        best = best.reshape(n, c, oh, ow)
        best_idx = best_idx.reshape(n, c, oh, ow)
        if not batched:
            best, best_idx = best.squeeze(0), best_idx.squeeze(0)
        return (best, best_idx) if self.return_indices else best
