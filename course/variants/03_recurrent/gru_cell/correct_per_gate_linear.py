"""Correct alternative: six F.linear calls on the per-gate row blocks of W_ih and W_hh."""

# ruff: noqa: F821 (cell_parameters comes from the lesson)

import torch
import torch.nn.functional as F
from torch import nn


class GRUCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        cell_parameters(self, input_size, hidden_size, 3, bias)

    def forward(self, input, hx=None):
        single = input.dim() == 1
        x = input[None] if single else input
        if hx is None:
            h = torch.zeros(x.shape[0], self.hidden_size, dtype=x.dtype)
        else:
            h = hx[None] if single else hx
        H = self.hidden_size
        W_ir, W_iz, W_in = self.weight_ih[:H], self.weight_ih[H : 2 * H], self.weight_ih[2 * H :]
        W_hr, W_hz, W_hn = self.weight_hh[:H], self.weight_hh[H : 2 * H], self.weight_hh[2 * H :]
        if self.bias:
            b_ir, b_iz, b_in = self.bias_ih[:H], self.bias_ih[H : 2 * H], self.bias_ih[2 * H :]
            b_hr, b_hz, b_hn = self.bias_hh[:H], self.bias_hh[H : 2 * H], self.bias_hh[2 * H :]
        else:
            b_ir = b_iz = b_in = b_hr = b_hz = b_hn = None
        r = torch.sigmoid(F.linear(x, W_ir, b_ir) + F.linear(h, W_hr, b_hr))
        z = torch.sigmoid(F.linear(x, W_iz, b_iz) + F.linear(h, W_hz, b_hz))
        n = torch.tanh(F.linear(x, W_in, b_in) + r * F.linear(h, W_hn, b_hn))
        h_new = (1 - z) * n + z * h
        return h_new[0] if single else h_new
