"""Bug: computes the variance in one pass, E[x²] − E[x]², which loses its digits to cancellation in
float32 when the mean is large next to the spread (subtract the mean first: x.var does)."""

import torch
from torch import nn


class InstanceNorm2d(nn.Module):
    r"""Normalise each (sample, channel) map over H and W: input (N, C, H, W) or (C, H, W).

    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias, statistics per (n, c), biased variance.
    """

    def __init__(
        self,
        num_features,
        eps=1e-05,
        momentum=0.1,
        affine=False,
        track_running_stats=False,
        *,
        bias=True,
    ):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        if affine:
            self.weight = nn.Parameter(torch.ones(num_features))
            if bias:
                self.bias = nn.Parameter(torch.zeros(num_features))
            else:
                self.register_parameter("bias", None)
        else:
            self.register_parameter("weight", None)
            self.register_parameter("bias", None)
        if track_running_stats:
            self.register_buffer("running_mean", torch.zeros(num_features))
            self.register_buffer("running_var", torch.ones(num_features))
            self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))
        else:
            self.register_buffer("running_mean", None)
            self.register_buffer("running_var", None)
            self.register_buffer("num_batches_tracked", None)

    def forward(self, x):
        single = x.dim() == 3
        if single:
            x = x.unsqueeze(0)
        if self.training or not self.track_running_stats:
            mean = x.mean((2, 3), keepdim=True)
            var = (x * x).mean((2, 3), keepdim=True) - mean**2
            if self.training and self.track_running_stats:
                with torch.no_grad():
                    m = x.shape[2] * x.shape[3]
                    momentum = self.momentum or 0.0
                    self.running_mean.mul_(1 - momentum).add_(momentum * mean.mean(0).view(-1))
                    self.running_var.mul_(1 - momentum).add_(
                        momentum * var.mean(0).view(-1) * m / (m - 1)
                    )
        else:
            mean = self.running_mean.view(1, -1, 1, 1)
            var = self.running_var.view(1, -1, 1, 1)
        y = (x - mean) / torch.sqrt(var + self.eps)
        if self.weight is not None:
            y = y * self.weight.view(1, -1, 1, 1)
        if self.bias is not None:
            y = y + self.bias.view(1, -1, 1, 1)
        return y.squeeze(0) if single else y

    def extra_repr(self):
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats}"
        )
