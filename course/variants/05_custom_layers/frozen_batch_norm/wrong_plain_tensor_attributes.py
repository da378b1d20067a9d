"""Bug: the four tensors are plain attributes: not buffers, so not moved by .to(), not
saved, and the structure check finds none of them."""

import torch
from torch import nn


class FrozenBatchNorm2d(nn.Module):
    """BatchNorm2d in eval mode with every tensor a buffer: y = x · s + t per channel."""

    def __init__(self, num_features, eps=1e-5):
        super().__init__()
        self.num_features, self.eps = num_features, eps
        self.weight = torch.ones(num_features)
        self.bias = torch.zeros(num_features)
        self.running_mean = torch.zeros(num_features)
        self.running_var = torch.ones(num_features)

    def forward(self, x):
        scale = self.weight / torch.sqrt(self.running_var + self.eps)
        shift = self.bias - self.running_mean * scale
        return x * scale[:, None, None] + shift[:, None, None]

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}"
