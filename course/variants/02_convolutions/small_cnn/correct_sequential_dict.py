"""Correct alternative: SmallCNN is an nn.Sequential of named layers (ReLU modules included, which
hold no parameters, so the state_dict keys are torch's); the pasted chapter-1 layers compute
differently: batch norm on a (C, N·H·W) view, dropout with bernoulli_, flatten with math.prod."""

# ruff: noqa: F821 (Conv2d, MaxPool2d, AdaptiveAvgPool2d: earlier lesson cells)

import math
from collections import OrderedDict

import torch
from torch import nn


class Flatten(nn.Module):
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x):
        shape = list(x.shape)
        start = self.start_dim if self.start_dim >= 0 else x.dim() + self.start_dim
        end = self.end_dim if self.end_dim >= 0 else x.dim() + self.end_dim
        return x.reshape(shape[:start] + [math.prod(shape[start : end + 1])] + shape[end + 1 :])


class Dropout(nn.Module):
    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, x):
        if not self.training:
            return x
        if self.p == 1:
            return x.mul_(0.0) if self.inplace else x * 0.0
        keep = torch.empty_like(x).bernoulli_(1 - self.p)
        out = x.mul_(keep) if self.inplace else x * keep
        return out.div_(1 - self.p)


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
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.affine = affine
        self.track_running_stats = track_running_stats
        self.register_parameter(
            "weight", nn.Parameter(torch.ones(num_features)) if affine else None
        )
        self.register_parameter(
            "bias", nn.Parameter(torch.zeros(num_features)) if affine and bias else None
        )
        tracked = track_running_stats
        self.register_buffer("running_mean", torch.zeros(num_features) if tracked else None)
        self.register_buffer("running_var", torch.ones(num_features) if tracked else None)
        self.register_buffer(
            "num_batches_tracked", torch.zeros((), dtype=torch.long) if tracked else None
        )

    def _check_input_dim(self, x):
        if x.dim() != 4:
            raise ValueError(f"expected 4D input (got {x.dim()}D input)")

    def forward(self, x):
        self._check_input_dim(x)
        per_channel = x.transpose(0, 1).reshape(x.shape[1], -1)  # (C, N·H·W)
        if self.training or self.running_mean is None:
            mean = per_channel.mean(1)
            squares = ((per_channel - mean[:, None]) ** 2).sum(1)
            m = per_channel.shape[1]
            var = squares / m
            if self.training and self.running_mean is not None:
                with torch.no_grad():
                    self.num_batches_tracked += 1
                    t = self.num_batches_tracked.item()
                    momentum = 1.0 / t if self.momentum is None else self.momentum
                    self.running_mean.copy_((1 - momentum) * self.running_mean + momentum * mean)
                    unbiased = squares / (m - 1)
                    self.running_var.copy_((1 - momentum) * self.running_var + momentum * unbiased)
        else:
            mean, var = self.running_mean, self.running_var
        y = (x - mean[:, None, None]) * torch.rsqrt(var[:, None, None] + self.eps)
        if self.weight is not None:
            y = y * self.weight[:, None, None]
        if self.bias is not None:
            y = y + self.bias[:, None, None]
        return y


class ReLU(nn.Module):
    def forward(self, x):
        return torch.where(x > 0, x, torch.zeros_like(x))


class SmallCNN(nn.Sequential):
    def __init__(self, in_channels=1, num_classes=4, width=8, dropout=0.5):
        super().__init__(
            OrderedDict(
                conv1=Conv2d(in_channels, width, 3, padding=1, bias=False),
                bn1=BatchNorm2d(width),
                relu1=ReLU(),
                pool1=MaxPool2d(2),
                conv2=Conv2d(width, 2 * width, 3, padding=1, bias=False),
                bn2=BatchNorm2d(2 * width),
                relu2=ReLU(),
                pool2=AdaptiveAvgPool2d(1),
                dropout=Dropout(dropout),
                head=Conv2d(2 * width, num_classes, 1),
                flatten=Flatten(),
            )
        )
