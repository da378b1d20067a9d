"""Bug: the pasted BatchNorm2d normalises with the batch's statistics in eval mode too (it updates
the running statistics but never uses them)."""

# ruff: noqa: F821 (Conv2d, MaxPool2d, AdaptiveAvgPool2d: earlier lesson cells)

import torch
from torch import nn


class Flatten(nn.Module):
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x):
        start, end = self.start_dim % x.dim(), self.end_dim % x.dim()
        return x.reshape(*x.shape[:start], -1, *x.shape[end + 1 :])


class Dropout(nn.Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p, self.inplace = p, inplace

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        scale = 0.0 if self.p == 1 else 1.0 / (1.0 - self.p)
        mask = (torch.rand_like(x) >= self.p).to(x.dtype) * scale
        return x.mul_(mask) if self.inplace else x * mask


class BatchNorm2d(nn.Module):
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
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        self.weight = nn.Parameter(torch.ones(num_features)) if affine else None
        self.bias = nn.Parameter(torch.zeros(num_features)) if affine and bias else None
        if track_running_stats:
            self.register_buffer("running_mean", torch.zeros(num_features))
            self.register_buffer("running_var", torch.ones(num_features))
            self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))
        else:
            self.running_mean = self.running_var = self.num_batches_tracked = None

    def _check_input_dim(self, x):
        if x.dim() != 4:
            raise ValueError(f"expected 4D input (got {x.dim()}D input)")

    def forward(self, x):
        self._check_input_dim(x)
        shape = (1, -1, 1, 1)
        if True:
            mean, var = x.mean((0, 2, 3)), x.var((0, 2, 3), unbiased=False)
            if self.training and self.track_running_stats:
                with torch.no_grad():
                    self.num_batches_tracked += 1
                    m = x.numel() // x.shape[1]
                    momentum = (
                        1 / self.num_batches_tracked.item()
                        if self.momentum is None
                        else self.momentum
                    )
                    self.running_mean.lerp_(mean, momentum)
                    self.running_var.lerp_(var * m / (m - 1), momentum)
        else:
            mean, var = self.running_mean, self.running_var
        y = (x - mean.view(shape)) / (var.view(shape) + self.eps).sqrt()
        if self.weight is not None:
            y = y * self.weight.view(shape)
        if self.bias is not None:
            y = y + self.bias.view(shape)
        return y


class SmallCNN(nn.Module):
    def __init__(self, in_channels=1, num_classes=4, width=8, dropout=0.5):
        super().__init__()
        self.conv1 = Conv2d(in_channels, width, 3, padding=1, bias=False)
        self.bn1 = BatchNorm2d(width)
        self.pool1 = MaxPool2d(2)
        self.conv2 = Conv2d(width, 2 * width, 3, padding=1, bias=False)
        self.bn2 = BatchNorm2d(2 * width)
        self.pool2 = AdaptiveAvgPool2d(1)
        self.dropout = Dropout(dropout)
        self.head = Conv2d(2 * width, num_classes, 1)
        self.flatten = Flatten()

    def forward(self, x):
        x = self.pool1(self.bn1(self.conv1(x)).relu())
        x = self.pool2(self.bn2(self.conv2(x)).relu())
        return self.flatten(self.head(self.dropout(x)))
