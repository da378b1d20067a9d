"""Correct alternative: one product of cat([x, h]) with cat([W_ih, W_hh]), gates sliced by rows."""

# ruff: noqa: F821 (cell_parameters comes from the lesson)

import torch
from torch import nn


class LSTMCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        cell_parameters(self, input_size, hidden_size, 4, bias)

    def forward(self, input, hx=None):
        is_batched = input.dim() == 2
        if not is_batched:
            input = input.unsqueeze(0)
        if hx is None:
            h = torch.zeros(input.size(0), self.hidden_size, dtype=input.dtype)
            c = torch.zeros(input.size(0), self.hidden_size, dtype=input.dtype)
        else:
            h, c = hx
            if not is_batched:
                h, c = h.unsqueeze(0), c.unsqueeze(0)
        W = torch.cat([self.weight_ih, self.weight_hh], dim=1)
        gates = torch.cat([input, h], dim=1) @ W.T
        if self.bias_ih is not None:
            gates = gates + self.bias_ih + self.bias_hh
        H = self.hidden_size
        i = torch.sigmoid(gates[:, 0 * H : 1 * H])
        f = torch.sigmoid(gates[:, 1 * H : 2 * H])
        g = torch.tanh(gates[:, 2 * H : 3 * H])
        o = torch.sigmoid(gates[:, 3 * H : 4 * H])
        c_new = f * c + i * g
        h_new = o * torch.tanh(c_new)
        if not is_batched:
            return h_new[0], c_new[0]
        return h_new, c_new
