"""Bug: computes the variance in one pass, E[x²] − E[x]², which loses its digits to cancellation in
float32 when the mean is large next to the spread (subtract the mean first: x.var does)."""

import torch
from torch import nn


class GroupNorm(nn.Module):
    r"""Split channels into num_groups groups of consecutive channels; normalise (sample, group).

    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias with per-channel weight and bias.
    Input (N, C, *).
    """

    def __init__(self, num_groups, num_channels, eps=1e-05, affine=True, *, bias=True):
        super().__init__()
        if num_channels % num_groups != 0:
            raise ValueError("num_channels must be divisible by num_groups")
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

    def reset_parameters(self):
        if self.affine:
            nn.init.ones_(self.weight)
        if self.bias is not None:
            nn.init.zeros_(self.bias)

    def forward(self, x):
        groups = x.reshape(len(x), self.num_groups, x.shape[1:].numel() // self.num_groups)
        mean = groups.mean(-1, keepdim=True)
        var = (groups * groups).mean(-1, keepdim=True) - mean**2
        y = ((groups - mean) / torch.sqrt(var + self.eps)).reshape(x.shape)
        shape = [1, -1] + [1] * (x.dim() - 2)
        if self.weight is not None:
            y = y * self.weight.view(shape)
        if self.bias is not None:
            y = y + self.bias.view(shape)
        return y

    def extra_repr(self):
        return f"{self.num_groups}, {self.num_channels}, eps={self.eps}, affine={self.affine}"
