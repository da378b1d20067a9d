"""Bug: normalises the mixing logits by their sum (w / w.sum()) instead of a softmax."""

import torch
from torch import nn


class SwitchableNorm2d(nn.Module):
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1) -> None:
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

    def reset_running_stats(self) -> None:
        self.running_mean.zero_()
        self.running_var.fill_(1)
        self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        nn.init.ones_(self.weight)
        nn.init.zeros_(self.bias)
        nn.init.ones_(self.mean_weight)
        nn.init.ones_(self.var_weight)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")
        shape = (1, -1, 1, 1)
        var_in, mu_in = torch.var_mean(input, dim=(2, 3), correction=0, keepdim=True)
        var_ln, mu_ln = torch.var_mean(input, dim=(1, 2, 3), correction=0, keepdim=True)
        if self.training:
            n = input.numel() // input.shape[1]
            var_bn, mu_bn = torch.var_mean(input, dim=(0, 2, 3), correction=0, keepdim=True)
            self.num_batches_tracked.add_(1)
            if self.momentum is None:
                factor = 1.0 / float(self.num_batches_tracked)
            else:
                factor = self.momentum
            if n <= 1:
                raise ValueError(
                    "Expected more than 1 value per channel when training, "
                    f"got input size {input.size()}"
                )
            with torch.no_grad():
                self.running_mean.mul_(1 - factor).add_(mu_bn.reshape(-1), alpha=factor)
                unbiased = var_bn.reshape(-1) * (n / (n - 1))
                self.running_var.mul_(1 - factor).add_(unbiased, alpha=factor)
        else:
            mu_bn = self.running_mean.reshape(shape)
            var_bn = self.running_var.reshape(shape)

        w_mu = self.mean_weight / self.mean_weight.sum()
        w_var = self.var_weight / self.var_weight.sum()
        mu = w_mu[0] * mu_in + w_mu[1] * mu_ln + w_mu[2] * mu_bn
        var = w_var[0] * var_in + w_var[1] * var_ln + w_var[2] * var_bn
        out = (input - mu) / torch.sqrt(var + self.eps)
        return out * self.weight.reshape(shape) + self.bias.reshape(shape)

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"
