"""Correct: the batch-norm formula written out, (x - mean) / sqrt(var + eps) · weight + bias,
each statistic viewed as (1, C, 1, 1); no folded scale and shift, same result up to rounding."""

import torch
from torch import nn


class FrozenBatchNorm2d(nn.Module):
    """BatchNorm2d in eval mode with every tensor a buffer: y = x · s + t per channel."""

    def __init__(self, num_features, eps=1e-5):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.register_buffer("weight", torch.ones(num_features))
        self.register_buffer("bias", torch.zeros(num_features))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x):
        def per_channel(t):
            return t.view(1, -1, 1, 1)

        normalized = (x - per_channel(self.running_mean)) / torch.sqrt(
            per_channel(self.running_var) + self.eps
        )
        return normalized * per_channel(self.weight) + per_channel(self.bias)

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}"
