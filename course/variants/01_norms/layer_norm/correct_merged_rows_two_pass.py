"""Merges the normalised dims into one axis (math.prod), two-pass mean/var, then reshapes back."""

import math
import numbers

import torch
from torch import nn


class LayerNorm(nn.Module):
    def __init__(
        self,
        normalized_shape,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if isinstance(normalized_shape, numbers.Integral):
            normalized_shape = [normalized_shape]
        self.normalized_shape = tuple(int(s) for s in normalized_shape)
        self.eps = eps
        self.elementwise_affine = elementwise_affine
        weight = bias_param = None
        if elementwise_affine:
            weight = nn.Parameter(torch.ones(self.normalized_shape))
            if bias:
                bias_param = nn.Parameter(torch.zeros(self.normalized_shape))
        self.register_parameter("weight", weight)
        self.register_parameter("bias", bias_param)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        with torch.no_grad():
            if self.weight is not None:
                self.weight.fill_(1.0)
            if self.bias is not None:
                self.bias.fill_(0.0)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        k = len(self.normalized_shape)
        lead = tuple(input.shape[: input.dim() - k])
        if lead + self.normalized_shape != tuple(input.shape):
            raise RuntimeError(
                f"Given normalized_shape={list(self.normalized_shape)}, "
                f"but got input of size{list(input.shape)}"
            )
        d = math.prod(self.normalized_shape)
        rows = input.reshape(*lead, d)
        mean = rows.sum(dim=-1, keepdim=True) / d
        centered = rows - mean
        var = (centered * centered).sum(dim=-1, keepdim=True) / d
        out = centered / torch.sqrt(var + self.eps)
        if self.weight is not None:
            out = out * self.weight.reshape(d)
        if self.bias is not None:
            out = out + self.bias.reshape(d)
        return out.reshape(input.shape)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={self.bias is not None}"
        )
