"""Correct: reset_parameters is torch's own, kaiming_uniform_(weight, a=sqrt(5)) then the bias
from the fan-in nn.init computes; the same draws in the same order give torch's numbers."""

import math

import torch
from torch import nn


class Linear(nn.Module):
    """y = x Wᵀ + b, initialised as nn.Linear is."""

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = nn.Parameter(torch.empty((out_features, in_features)))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_features))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        nn.init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = nn.init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        output = torch.matmul(input, self.weight.transpose(0, 1))
        if self.bias is not None:
            output = output + self.bias
        return output

    def extra_repr(self):
        bias = self.bias is not None
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={bias}"
