"""Bug: calls torch.rnn_tanh_cell / torch.rnn_relu_cell instead of building the step."""

import math

import torch
from torch import nn


def cell_parameters(module, input_size, hidden_size, gates, bias):
    module.weight_ih = nn.Parameter(torch.empty(gates * hidden_size, input_size))
    module.weight_hh = nn.Parameter(torch.empty(gates * hidden_size, hidden_size))
    for name in ("bias_ih", "bias_hh"):
        module.register_parameter(
            name, nn.Parameter(torch.empty(gates * hidden_size)) if bias else None
        )
    bound = 1 / math.sqrt(hidden_size)
    for p in module.parameters():
        nn.init.uniform_(p, -bound, bound)


class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh"):
        super().__init__()
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity: {nonlinearity}")
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        self.nonlinearity = nonlinearity
        cell_parameters(self, input_size, hidden_size, 1, bias)

    def forward(self, input, hx=None):
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        if hx is None:
            h = x.new_zeros(x.shape[0], self.hidden_size)
        else:
            h = hx if batched else hx.unsqueeze(0)
        step = torch.rnn_tanh_cell if self.nonlinearity == "tanh" else torch.rnn_relu_cell
        h = step(x, h, self.weight_ih, self.weight_hh, self.bias_ih, self.bias_hh)
        return h if batched else h.squeeze(0)
