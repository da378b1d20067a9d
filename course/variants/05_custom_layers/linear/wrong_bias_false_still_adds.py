"""Bug: bias=False makes a zero bias buffer that forward still adds, instead of registering
the parameter as None: the outputs agree, but the layer has a buffer torch's lacks."""

import math

import torch
from torch import nn


class Linear(nn.Module):
    """y = x Wᵀ + b, initialised as nn.Linear is."""

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.has_bias = bias
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        if bias:
            self.bias = nn.Parameter(torch.empty(out_features))
        else:
            self.register_buffer("bias", torch.zeros(out_features))
        self.reset_parameters()

    def reset_parameters(self):
        bound = 1 / math.sqrt(self.in_features) if self.in_features > 0 else 0.0
        with torch.no_grad():
            self.weight.uniform_(-bound, bound)
            if self.has_bias:
                self.bias.uniform_(-bound, bound)

    def forward(self, input):
        return input @ self.weight.T + self.bias

    def extra_repr(self):
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.has_bias}"
        )
