"""Correct: the buffers registered in a loop, scale by rsqrt and reshaped to (1, C, 1, 1), as
torchvision writes it; the same numbers up to rounding."""

import torch
from torch import nn


class FrozenBatchNorm2d(nn.Module):
    """BatchNorm2d in eval mode with every tensor a buffer: y = x · s + t per channel."""

    def __init__(self, num_features, eps=1e-5):
        super().__init__()
        self.num_features, self.eps = num_features, eps
        for name, fill in (("weight", 1), ("bias", 0), ("running_mean", 0), ("running_var", 1)):
            self.register_buffer(name, torch.full((num_features,), float(fill)))

    def forward(self, x):
        scale = self.weight * torch.rsqrt(self.running_var + self.eps)
        shift = self.bias - self.running_mean * scale
        return torch.addcmul(shift.reshape(1, -1, 1, 1), x, scale.reshape(1, -1, 1, 1))

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}"
