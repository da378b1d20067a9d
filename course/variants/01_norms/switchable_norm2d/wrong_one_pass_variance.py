"""Bug: computes the variance in one pass, E[x²] − E[x]², which loses its digits to cancellation in
float32 when the mean is large next to the spread (subtract the mean first: x.var does)."""

import torch
from torch import nn


def one_pass(x, dims):
    """Mean and variance as E[x] and E[x²] − E[x]²."""
    mean = x.mean(dims, keepdim=True)
    return mean, (x * x).mean(dims, keepdim=True) - mean**2


class SwitchableNorm2d(nn.Module):
    r"""Mix InstanceNorm, LayerNorm and BatchNorm statistics with learned softmax weights.

    mean = softmax(mean_weight) · (mean_IN, mean_LN, mean_BN), var likewise with var_weight;
    y = (x - mean) / sqrt(var + eps) * weight + bias. Input (N, C, H, W).
    """

    def __init__(self, num_features, eps=1e-05, momentum=0.1):
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.weight = nn.Parameter(torch.empty(num_features))
        self.bias = nn.Parameter(torch.empty(num_features))
        self.mean_weight = nn.Parameter(torch.empty(3))
        self.var_weight = nn.Parameter(torch.empty(3))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.tensor(0, dtype=torch.long))
        self.reset_parameters()

    def reset_parameters(self):
        self.running_mean.zero_()
        self.running_var.fill_(1)
        self.num_batches_tracked.zero_()
        nn.init.ones_(self.weight)
        nn.init.zeros_(self.bias)
        nn.init.ones_(self.mean_weight)
        nn.init.ones_(self.var_weight)

    def forward(self, x):
        mean_in, var_in = one_pass(x, (2, 3))
        mean_ln, var_ln = one_pass(x, (1, 2, 3))
        if self.training:
            mean_bn, var_bn = one_pass(x, (0, 2, 3))
            with torch.no_grad():
                self.num_batches_tracked.add_(1)
                m = x.numel() / x.shape[1]
                momentum = (
                    1 / self.num_batches_tracked.item() if self.momentum is None else self.momentum
                )
                self.running_mean.mul_(1 - momentum).add_(momentum * mean_bn.view(-1))
                self.running_var.mul_(1 - momentum).add_(momentum * var_bn.view(-1) * m / (m - 1))
        else:
            mean_bn, var_bn = (
                self.running_mean.view(1, -1, 1, 1),
                self.running_var.view(1, -1, 1, 1),
            )
        w_mean, w_var = self.mean_weight.softmax(0), self.var_weight.softmax(0)
        mean = w_mean[0] * mean_in + w_mean[1] * mean_ln + w_mean[2] * mean_bn
        var = w_var[0] * var_in + w_var[1] * var_ln + w_var[2] * var_bn
        y = (x - mean) / torch.sqrt(var + self.eps)
        return y * self.weight.view(1, -1, 1, 1) + self.bias.view(1, -1, 1, 1)

    def extra_repr(self):
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"
