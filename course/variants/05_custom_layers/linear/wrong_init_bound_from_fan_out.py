"""Bug: the bound is 1/sqrt(out_features) (fan-out) instead of 1/sqrt(in_features): the same
seed gives numbers scaled wrongly, which the exact initial-value comparison sees."""

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
        bound = 1 / math.sqrt(self.out_features) if self.out_features > 0 else 0.0
        with torch.no_grad():
            self.weight.uniform_(-bound, bound)
            if self.bias is not None:
                self.bias.uniform_(-bound, bound)

    def forward(self, input):
        output = input @ self.weight.T
        return output if self.bias is None else output + self.bias

    def extra_repr(self):
        bias = self.bias is not None
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={bias}"
