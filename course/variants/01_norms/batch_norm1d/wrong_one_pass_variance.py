"""Bug: computes the variance in one pass, E[x²] − E[x]², which loses its digits to cancellation in
float32 when the mean is large next to the spread (subtract the mean first: x.var does)."""

import torch
from torch import nn


class BatchNorm1d(nn.Module):
    r"""Normalise each channel over the batch (and length): input (N, C) or (N, C, L).

    y = (x - E[x]) / sqrt(Var[x] + eps) * weight + bias, statistics per channel. Training mode uses
    the batch statistics (biased variance) and updates running_mean / running_var (unbiased
    variance) with `momentum` (None: cumulative average); eval mode uses the running statistics
    when they are tracked.
    """

    def __init__(
        self,
        num_features,
        eps=1e-05,
        momentum=0.1,
        affine=True,
        track_running_stats=True,
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
            self.weight = nn.Parameter(torch.empty(num_features))
            if bias:
                self.bias = nn.Parameter(torch.empty(num_features))
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
        self.reset_parameters()

    def reset_parameters(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()
        if self.affine:
            nn.init.ones_(self.weight)
        if self.bias is not None:
            nn.init.zeros_(self.bias)

    def _check_input_dim(self, x):
        if x.dim() not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {x.dim()}D input)")

    def forward(self, x):
        self._check_input_dim(x)
        dims = [0] + list(range(2, x.dim()))  # every dimension but the channels
        shape = [1, -1] + [1] * (x.dim() - 2)  # to broadcast per-channel vectors against x
        if self.training or not self.track_running_stats:
            mean = x.mean(dims)
            var = (x * x).mean(dims) - mean**2
            if self.training and self.track_running_stats:
                with torch.no_grad():
                    self.num_batches_tracked.add_(1)
                    m = x.numel() / x.shape[1]
                    momentum = (
                        1 / self.num_batches_tracked.item()
                        if self.momentum is None
                        else self.momentum
                    )
                    if m > 0:  # an empty batch has no statistics: the running ones stay
                        self.running_mean.mul_(1 - momentum).add_(momentum * mean)
                        self.running_var.mul_(1 - momentum).add_(momentum * var * m / (m - 1))
        else:
            mean, var = self.running_mean, self.running_var
        y = (x - mean.view(shape)) / torch.sqrt(var.view(shape) + self.eps)
        if self.weight is not None:
            y = y * self.weight.view(shape)
        if self.bias is not None:
            y = y + self.bias.view(shape)
        return y

    def extra_repr(self):
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats}"
        )
