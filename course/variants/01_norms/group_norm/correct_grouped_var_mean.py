"""Reshapes to (N, G, -1), torch.var_mean per group, reshapes back, per-channel affine."""

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
        if affine:
            self.weight = nn.Parameter(torch.empty(num_channels))
            if bias:
                self.bias = nn.Parameter(torch.empty(num_channels))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.affine:
            nn.init.ones_(self.weight)
            if self.bias is not None:
                nn.init.zeros_(self.bias)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if input.dim() < 2 or input.shape[1] != self.num_channels:
            raise RuntimeError(
                f"Expected input with {self.num_channels} channels at dim 1, "
                f"got input of size {list(input.shape)}"
            )
        n = input.shape[0]
        grouped = input.reshape(n, self.num_groups, input.shape[1:].numel() // self.num_groups)
        var, mean = torch.var_mean(grouped, dim=-1, correction=0, keepdim=True)
        out = ((grouped - mean) / torch.sqrt(var + self.eps)).reshape(input.shape)
        if self.affine:
            shape = (1, self.num_channels) + (1,) * (input.dim() - 2)
            out = out * self.weight.reshape(shape)
            if self.bias is not None:
                out = out + self.bias.reshape(shape)
        return out

    def extra_repr(self) -> str:
        return (
            f"{self.num_groups}, {self.num_channels}, eps={self.eps}, "
            f"affine={self.affine}, bias={self.bias is not None}"
        )
