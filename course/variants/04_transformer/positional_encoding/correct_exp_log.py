"""Correct alternative: frequencies as exp(-ln(10000)·2i/d) in float64, the table as the
(sin, cos) pairs stacked and flattened (interleaved), cut to d_model for an odd d_model."""

import math

import torch
from torch import nn


class PositionalEncoding(nn.Module):
    """Adds the sinusoidal encoding of each position to the input: buffer pe (max_len, d_model)."""

    def __init__(self, d_model, max_len=5000, batch_first=False):
        super().__init__()
        self.d_model, self.max_len, self.batch_first = d_model, max_len, batch_first
        position = torch.arange(max_len, dtype=torch.float64)[:, None]
        even = torch.arange(0, d_model, 2, dtype=torch.float64)
        frequency = torch.exp(-math.log(10000.0) * even / d_model)
        angle = position * frequency
        pe = torch.stack([angle.sin(), angle.cos()], dim=-1).flatten(1)[:, :d_model]
        self.register_buffer("pe", pe.to(torch.float32).contiguous())

    def forward(self, x, offset=0):
        length = x.size(1) if self.batch_first and x.dim() == 3 else x.size(0)
        pe = self.pe[offset : offset + length].to(x.dtype)
        return x + (pe if self.batch_first or x.dim() == 2 else pe[:, None])
