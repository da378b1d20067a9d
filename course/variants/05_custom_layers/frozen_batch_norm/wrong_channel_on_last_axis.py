"""Bug: scale and shift are broadcast against the last axis (x * scale + shift with shape
(C,)), as for (N, C) inputs: it fails or mixes channels with the width of (N, C, H, W) inputs."""

import torch
from torch import nn


class FrozenBatchNorm2d(nn.Module):
    """BatchNorm2d in eval mode with every tensor a buffer: y = x · s + t per channel."""

    def __init__(self, num_features, eps=1e-5):
        super().__init__()
        self.num_features, self.eps = num_features, eps
        self.register_buffer("weight", torch.ones(num_features))
        self.register_buffer("bias", torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x):
        scale = self.weight / torch.sqrt(self.running_var + self.eps)
        shift = self.bias - self.running_mean * scale
        return x * scale + shift

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}"
