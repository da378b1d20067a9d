"""Correct alternative: names each parameter explicitly, then F.linear and clamp(min=0) for relu."""

import math

import torch
import torch.nn.functional as F
from torch import nn


def cell_parameters(module, input_size, hidden_size, gates, bias):
    rows = gates * hidden_size
    module.weight_ih = nn.Parameter(torch.empty(rows, input_size))
    module.weight_hh = nn.Parameter(torch.empty(rows, hidden_size))
    if bias:
        module.bias_ih = nn.Parameter(torch.empty(rows))
        module.bias_hh = nn.Parameter(torch.empty(rows))
    else:
        module.register_parameter("bias_ih", None)
        module.register_parameter("bias_hh", None)
    std = 1.0 / math.sqrt(hidden_size)
    for p in [module.weight_ih, module.weight_hh, module.bias_ih, module.bias_hh]:
        if p is not None:
            nn.init.uniform_(p, -std, std)


class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh"):
        super().__init__()
        if nonlinearity != "tanh" and nonlinearity != "relu":
            raise ValueError("nonlinearity must be 'tanh' or 'relu'")
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.nonlinearity = nonlinearity
        cell_parameters(self, input_size, hidden_size, 1, bias)

    def forward(self, input, hx=None):
        unbatched = input.dim() == 1
        if unbatched:
            input = input.unsqueeze(0)
            if hx is not None:
                hx = hx.unsqueeze(0)
        if hx is None:
            hx = torch.zeros(input.shape[0], self.hidden_size, dtype=input.dtype)
        pre = F.linear(input, self.weight_ih, self.bias_ih) + F.linear(
            hx, self.weight_hh, self.bias_hh
        )
        if self.nonlinearity == "relu":
            out = pre.clamp(min=0)
        else:
            out = pre.tanh()
        if unbatched:
            out = out[0]
        return out
