"""Splits channels into (G, C // G) with unflatten, reduces all trailing dims, affine per group."""

import torch
from torch import nn


class GroupNorm(nn.Module):
    def __init__(
        self,
        num_groups: int,
        num_channels: int,
        eps: float = 1e-5,
        affine: bool = True,
        *,
        bias: bool = True,
    ) -> None:
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError(
                f"num_channels ({num_channels}) must be divisible by num_groups ({num_groups})"
            )
        self.num_groups = num_groups
        self.num_channels = num_channels
        self.eps = eps
        self.affine = affine
        self.register_parameter(
            "weight", nn.Parameter(torch.ones(num_channels)) if affine else None
        )
        self.register_parameter(
            "bias", nn.Parameter(torch.zeros(num_channels)) if affine and bias else None
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.affine:
            with torch.no_grad():
                self.weight.copy_(torch.ones_like(self.weight))
                if self.bias is not None:
                    self.bias.copy_(torch.zeros_like(self.bias))

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if input.dim() < 2 or input.shape[1] != self.num_channels:
            raise RuntimeError(
                f"Expected input with {self.num_channels} channels at dim 1, "
                f"got input of size {list(input.shape)}"
            )
        per_group = self.num_channels // self.num_groups
        x = input.unflatten(1, (self.num_groups, per_group))
        dims = tuple(range(2, x.dim()))
        mean = x.mean(dim=dims, keepdim=True)
        centered = x - mean
        var = centered.square().mean(dim=dims, keepdim=True)
        out = centered / (var + self.eps).sqrt()
        if self.affine:
            spatial = (1,) * (input.dim() - 2)
            out = out * self.weight.view(self.num_groups, per_group, *spatial)
            if self.bias is not None:
                out = out + self.bias.view(self.num_groups, per_group, *spatial)
        return out.reshape(input.shape)

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
            f"affine={self.affine}, bias={self.bias is not None}"
        )
