"""Bug: in training mode it normalises with the batch's own mean and variance, as BatchNorm2d
does; a frozen layer uses the stored statistics in both modes, and the train passes differ."""

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
        if self.training:
            mean = x.mean(dim=(0, 2, 3))
            var = x.var(dim=(0, 2, 3), unbiased=False)
        else:
            mean, var = self.running_mean, self.running_var
        scale = self.weight / torch.sqrt(var + self.eps)
        shift = self.bias - mean * scale
        return x * scale[:, None, None] + shift[:, None, None]

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}"
