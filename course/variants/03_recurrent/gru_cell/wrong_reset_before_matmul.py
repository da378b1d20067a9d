"""Bug: the paper's candidate n = tanh(W_in x + b_in + W_hn (r * h) + b_hn): r before the matmul."""

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
        w_hr, w_hz, w_hn = self.weight_hh.split(H)
        b_hr, b_hz, b_hn = self.bias_hh.split(H) if self.bias else (None, None, None)
        r = torch.sigmoid(x_r + affine(h, w_hr, b_hr))
        z = torch.sigmoid(x_z + affine(h, w_hz, b_hz))
        n = torch.tanh(x_n + affine(r * h, w_hn, b_hn))
        h = (1 - z) * n + z * h
        return h if batched else h.squeeze(0)
