"""Correct: the root mean square as ‖x‖₂ / sqrt(n) from torch.linalg.vector_norm over the
normalized axes; eps then goes in as sqrt(rms² + eps), the same value up to rounding."""

import math
import numbers

import torch
from torch import nn


class RMSNorm(nn.Module):
    """y = x / sqrt(mean(x²) + eps) · weight over the last len(normalized_shape) axes."""

    def __init__(self, normalized_shape, eps=None, elementwise_affine=True):
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = (normalized_shape,)
        self.normalized_shape = tuple(normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        if self.elementwise_affine:
            self.weight = nn.Parameter(torch.empty(self.normalized_shape))
            nn.init.ones_(self.weight)
        else:
            self.register_parameter("weight", None)

    def forward(self, x):
        axes = [x.dim() - 1 - k for k in range(len(self.normalized_shape))]
        n = math.prod(self.normalized_shape)
        eps = self.eps if self.eps is not None else torch.finfo(x.dtype).eps
        rms = torch.linalg.vector_norm(x, ord=2, dim=axes, keepdim=True) / math.sqrt(n)
        y = x / torch.sqrt(rms.square() + eps)
        if self.weight is not None:
            y = y * self.weight
        return y

    def extra_repr(self):
        return "{normalized_shape}, eps={eps}, elementwise_affine={elementwise_affine}".format(
            **self.__dict__
        )
