"""Correct alternative: splits the weights into per-gate blocks and runs F.linear for each gate."""

# ruff: noqa: F821 (cell_parameters comes from the lesson)

import torch.nn.functional as F
from torch import nn


class LSTMCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        cell_parameters(self, input_size, hidden_size, 4, bias)

    def forward(self, input, hx=None):
        squeeze = input.dim() == 1
        x = input.reshape(-1, self.input_size)
        if hx is None:
            h = c = x.new_zeros(x.shape[0], self.hidden_size)
        else:
            h = hx[0].reshape(-1, self.hidden_size)
            c = hx[1].reshape(-1, self.hidden_size)
        w_ih = self.weight_ih.chunk(4)
        w_hh = self.weight_hh.chunk(4)
        b_ih = self.bias_ih.chunk(4) if self.bias else [None] * 4
        b_hh = self.bias_hh.chunk(4) if self.bias else [None] * 4
        pre = [F.linear(x, w_ih[k], b_ih[k]) + F.linear(h, w_hh[k], b_hh[k]) for k in range(4)]
        i = pre[0].sigmoid()
        f = pre[1].sigmoid()
        g = pre[2].tanh()
        o = pre[3].sigmoid()
        c = f * c + i * g
        h = o * c.tanh()
        if squeeze:
            h, c = h.squeeze(0), c.squeeze(0)
        return h, c
