"""Bug: positions, frequencies and angles in float32: at positions in the thousands the
angle p·ω is rounded by up to a few 1e-4, and so is its sine."""

import torch
from torch import nn


class PositionalEncoding(nn.Module):
    """Adds the sinusoidal encoding of each position to the input: buffer pe (max_len, d_model)."""

    def __init__(self, d_model, max_len=5000, batch_first=False):
        super().__init__()
        self.d_model, self.max_len, self.batch_first = d_model, max_len, batch_first
        position = torch.arange(max_len, dtype=torch.float32)[:, None]
        frequency = 10000.0 ** (-torch.arange(0, d_model, 2, dtype=torch.float32) / d_model)
        pe = torch.zeros(max_len, d_model, dtype=torch.float32)
        pe[:, 0::2] = torch.sin(position * frequency)
        pe[:, 1::2] = torch.cos(position * frequency[: d_model // 2])
        self.register_buffer("pe", pe.float())

    def forward(self, x, offset=0):
        length = x.size(1) if self.batch_first and x.dim() == 3 else x.size(0)
        pe = self.pe[offset : offset + length].to(x.dtype)
        return x + (pe if self.batch_first or x.dim() == 2 else pe[:, None])
