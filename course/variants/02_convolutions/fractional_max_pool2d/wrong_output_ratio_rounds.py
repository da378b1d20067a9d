"""Bug: output size from output_ratio is rounded instead of truncated with int()."""

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
        return round(h * self.output_ratio[0]), round(w * self.output_ratio[1])

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
        starts = ((i + sample[..., None]) * alpha).long() - (sample * alpha).long()[..., None]
        return torch.cat([starts, last], dim=-1)

    def forward(self, input: torch.Tensor):
        batched = input.dim() == 4
        x = input if batched else input.unsqueeze(0)
        (kh, kw), (oh, ow) = self.kernel_size, self._out_sizes(x)
        h, w = x.shape[-2:]
        samples = self._samples(input).to(x.dtype)
        rows = self._starts(samples[..., 1], h, oh, kh)  # (n, c, oh)
        cols = self._starts(samples[..., 0], w, ow, kw)  # (n, c, ow)
        rows = rows[..., None] + torch.arange(kh, device=x.device)  # (n, c, oh, kh)
        cols = cols[..., None] + torch.arange(kw, device=x.device)  # (n, c, ow, kw)
        flat = rows[:, :, :, None, :, None] * w + cols[:, :, None, :, None, :]
        n, c = x.shape[:2]
        flat = flat.expand(n, c, oh, ow, kh, kw).reshape(n, c, oh, ow, kh * kw)
        picked = x.flatten(-2).gather(-1, flat.reshape(n, c, -1)).reshape(flat.shape)
        values, arg = picked.max(dim=-1)
        indices = flat.gather(-1, arg[..., None]).squeeze(-1)
        if not batched:
            values, indices = values.squeeze(0), indices.squeeze(0)
        return (values, indices) if self.return_indices else values
