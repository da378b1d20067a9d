"""Bug: the bias starts at zero instead of being drawn from U(±1/sqrt(in_features)); the
outputs agree once torch's numbers are loaded, but the initial-value check sees the zeros."""

import math

import torch
from torch import nn


class Linear(nn.Module):
    """y = x Wᵀ + b, initialised as nn.Linear is."""

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_features))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
        with torch.no_grad():
            self.weight.uniform_(-bound, bound)
            if self.bias is not None:
                self.bias.zero_()

    def forward(self, input):
        output = input @ self.weight.T
        return output if self.bias is None else output + self.bias

    def extra_repr(self):
        bias = self.bias is not None
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={bias}"
