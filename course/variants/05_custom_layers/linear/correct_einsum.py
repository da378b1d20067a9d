"""Correct: forward is an einsum over the last axis ("...i,oi->...o"), which takes any
leading axes, none included; the bias is added by broadcasting."""

import torch
from torch import nn


class Linear(nn.Module):
    """y = x Wᵀ + b, initialised as nn.Linear is."""

    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        self.register_parameter("bias", nn.Parameter(torch.empty(out_features)) if bias else None)
        self.reset_parameters()

    def reset_parameters(self):
        bound = self.in_features**-0.5 if self.in_features else 0.0
        with torch.no_grad():
            nn.init.uniform_(self.weight, -bound, bound)
            if self.bias is not None:
                nn.init.uniform_(self.bias, -bound, bound)

    def forward(self, input):
        output = torch.einsum("...i,oi->...o", input, self.weight)
        return output + self.bias if self.bias is not None else output

    def extra_repr(self):
        bias = self.bias is not None
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={bias}"
