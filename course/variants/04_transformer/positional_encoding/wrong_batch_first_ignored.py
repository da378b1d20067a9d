"""Bug: forward ignores batch_first and reads every 3-d input as (L, N, d_model)."""

import torch
from torch import nn


class PositionalEncoding(nn.Module):
    """Adds the sinusoidal encoding of each position to the input: buffer pe (max_len, d_model)."""

    def __init__(self, d_model, max_len=5000, batch_first=False):
        super().__init__()
        self.d_model, self.max_len, self.batch_first = d_model, max_len, batch_first
        position = torch.arange(max_len, dtype=torch.float64)[:, None]
        frequency = 10000.0 ** (-torch.arange(0, d_model, 2, dtype=torch.float64) / d_model)
        pe = torch.zeros(max_len, d_model, dtype=torch.float64)
        pe[:, 0::2] = torch.sin(position * frequency)
        pe[:, 1::2] = torch.cos(position * frequency[: d_model // 2])
        self.register_buffer("pe", pe.float())

    def forward(self, x, offset=0):
        length = x.size(0)
        pe = self.pe[offset : offset + length].to(x.dtype)
        return x + (pe if x.dim() == 2 else pe[:, None])
