"""Bug: r scales only W_hn h, b_hn is added outside: n = tanh(W_in x + b_in + r*(W_hn h) + b_hn)."""

# ruff: noqa: F821 (cell_parameters and affine come from the lesson)

import torch
from torch import nn


class GRUCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        cell_parameters(self, input_size, hidden_size, 3, bias)

    def forward(self, input, hx=None):
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        if hx is None:
            h = x.new_zeros(x.shape[0], self.hidden_size)
        else:
            h = hx if batched else hx.unsqueeze(0)
        H = self.hidden_size
        x_r, x_z, x_n = affine(x, self.weight_ih, self.bias_ih).chunk(3, dim=-1)
        h_r, h_z, h_n = (h @ self.weight_hh.T).chunk(3, dim=-1)
        if self.bias:
            b_hr, b_hz, b_hn = self.bias_hh.split(H)
        else:
            b_hr = b_hz = b_hn = 0
        r = torch.sigmoid(x_r + h_r + b_hr)
        z = torch.sigmoid(x_z + h_z + b_hz)
        n = torch.tanh(x_n + r * h_n + b_hn)
        h = (1 - z) * n + z * h
        return h if batched else h.squeeze(0)
