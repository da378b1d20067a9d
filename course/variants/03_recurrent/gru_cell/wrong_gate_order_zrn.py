"""Bug: reads the row blocks as z, r, n (as some write-ups list them) instead of torch's r, z, n."""

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
        x_z, x_r, x_n = affine(x, self.weight_ih, self.bias_ih).chunk(3, dim=-1)
        h_z, h_r, h_n = affine(h, self.weight_hh, self.bias_hh).chunk(3, dim=-1)
        r = torch.sigmoid(x_r + h_r)
        z = torch.sigmoid(x_z + h_z)
        n = torch.tanh(x_n + r * h_n)
        h = (1 - z) * n + z * h
        return h if batched else h.squeeze(0)
