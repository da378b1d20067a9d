"""Correct: the normalized axes are flattened into one, the mean of squares taken over it, and
the result reshaped back; x * x and a division by sqrt instead of rsqrt."""

import torch
from torch import nn


class RMSNorm(nn.Module):
    """y = x / sqrt(mean(x²) + eps) · weight over the last len(normalized_shape) axes."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
        self.normalized_shape = tuple(int(n) for n in shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        weight = nn.Parameter(torch.ones(self.normalized_shape)) if elementwise_affine else None
        self.register_parameter("weight", weight)

    def forward(self, x):
        eps = torch.finfo(x.dtype).eps if self.eps is None else self.eps
        flat = x.flatten(start_dim=x.dim() - len(self.normalized_shape))
        mean_square = (flat * flat).mean(dim=-1, keepdim=True)
        y = (flat / torch.sqrt(mean_square + eps)).reshape(x.shape)
        return y if self.weight is None else y * self.weight

    def extra_repr(self):
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.elementwise_affine}"
        )
