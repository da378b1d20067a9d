"""Bug: draws the parameters with torch.randn (standard normal) instead of uniform ±1/sqrt(H)."""

# ruff: noqa: F821 (affine comes from the lesson)

import torch
from torch import nn


def cell_parameters(module, input_size, hidden_size, gates, bias):
    module.weight_ih = nn.Parameter(torch.randn(gates * hidden_size, input_size))
    module.weight_hh = nn.Parameter(torch.randn(gates * hidden_size, hidden_size))
    if bias:
        module.bias_ih = nn.Parameter(torch.randn(gates * hidden_size))
        module.bias_hh = nn.Parameter(torch.randn(gates * hidden_size))
    else:
        module.register_parameter("bias_ih", None)
        module.register_parameter("bias_hh", None)


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
        pre = affine(x, self.weight_ih, self.bias_ih) + affine(h, self.weight_hh, self.bias_hh)
        h = torch.tanh(pre) if self.nonlinearity == "tanh" else torch.relu(pre)
        return h if batched else h.squeeze(0)
