"""Bug: stores nonlinearity but always applies tanh, so nonlinearity='relu' changes nothing."""

# ruff: noqa: F821 (affine comes from the lesson)

import math

import torch
from torch import nn


def cell_parameters(module, input_size, hidden_size, gates, bias):
    module.weight_ih = nn.Parameter(torch.empty(gates * hidden_size, input_size))
    module.weight_hh = nn.Parameter(torch.empty(gates * hidden_size, hidden_size))
    if bias:
        module.bias_ih = nn.Parameter(torch.empty(gates * hidden_size))
        module.bias_hh = nn.Parameter(torch.empty(gates * hidden_size))
    else:
        module.register_parameter("bias_ih", None)
        module.register_parameter("bias_hh", None)
    bound = 1 / math.sqrt(hidden_size)
    for p in module.parameters():
        nn.init.uniform_(p, -bound, bound)


class RNNCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True, nonlinearity="tanh"):
        super().__init__()
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.bias = bias
        self.nonlinearity = nonlinearity
        cell_parameters(self, input_size, hidden_size, 1, bias)

    def forward(self, input, hx=None):
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        h = x.new_zeros(x.shape[0], self.hidden_size) if hx is None else hx.reshape(x.shape[0], -1)
        pre = affine(x, self.weight_ih, self.bias_ih) + affine(h, self.weight_hh, self.bias_hh)
        h = torch.tanh(pre)
        return h if batched else h.squeeze(0)
