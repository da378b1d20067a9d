"""Correct alternative: the table is filled one feature (column) at a time in float64, with
Python's math for the frequency, and forward slices the buffer with narrow and adds it
through unsqueeze."""

import math

import torch
from torch import nn


class PositionalEncoding(nn.Module):
    """Adds the sinusoidal encoding of each position to the input: buffer pe (max_len, d_model)."""

    def __init__(self, d_model, max_len=5000, batch_first=False):
        super().__init__()
        self.d_model, self.max_len, self.batch_first = d_model, max_len, batch_first
        position = torch.arange(max_len, dtype=torch.float64)
        pe = torch.empty(max_len, d_model, dtype=torch.float64)
        for j in range(d_model):
            angle = position * math.pow(10000.0, -2 * (j // 2) / d_model)
            pe[:, j] = angle.sin() if j % 2 == 0 else angle.cos()
        self.register_buffer("pe", pe.float())

    def forward(self, x, offset=0):
        time = 1 if self.batch_first and x.dim() == 3 else 0
        pe = self.pe.narrow(0, offset, x.size(time)).to(x.dtype)
        if x.dim() == 3 and not self.batch_first:
            pe = pe.unsqueeze(1)
        return x + pe
