"""IN stats first; LN/BN stats pooled from them by the law of total variance; manual softmax."""

import torch
from torch import nn


class SwitchableNorm2d(nn.Module):
    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float | None = 0.1) -> None:
        super().__init__()
        self.num_features = num_features
        self.eps = eps
        self.momentum = momentum
        self.weight = nn.Parameter(torch.ones(num_features))
        self.bias = nn.Parameter(torch.zeros(num_features))
        self.mean_weight = nn.Parameter(torch.ones(3))
        self.var_weight = nn.Parameter(torch.ones(3))
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))
        self.register_buffer("num_batches_tracked", torch.zeros((), dtype=torch.long))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        with torch.no_grad():
            self.running_mean.fill_(0.0)
            self.running_var.fill_(1.0)
            self.num_batches_tracked.fill_(0)
            self.weight.fill_(1.0)
            self.bias.fill_(0.0)
            self.mean_weight.fill_(1.0)
            self.var_weight.fill_(1.0)

    @staticmethod
    def _softmax(logits: torch.Tensor) -> torch.Tensor:
        e = torch.exp(logits - logits.max().detach())
        return e / e.sum()

    @staticmethod
    def _pool(mean: torch.Tensor, var: torch.Tensor, dim: int) -> tuple:
        """Mean and biased variance of the union of equally sized groups along dim."""
        pooled_mean = mean.mean(dim=dim, keepdim=True)
        spread = (mean - pooled_mean).square().mean(dim=dim, keepdim=True)
        return pooled_mean, var.mean(dim=dim, keepdim=True) + spread

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if input.dim() != 4:
            raise ValueError(f"expected 4D input (got {input.dim()}D input)")
        n, c, h, w = input.shape
        mu_in = input.mean(dim=(2, 3), keepdim=True)
        var_in = (input - mu_in).square().mean(dim=(2, 3), keepdim=True)
        mu_ln, var_ln = self._pool(mu_in, var_in, dim=1)
        if self.training:
            count = n * h * w
            self.num_batches_tracked += 1
            if count == 1:
                raise ValueError("Expected more than 1 value per channel when training")
            mu_bn, var_bn = self._pool(mu_in, var_in, dim=0)
            if self.momentum is None:
                factor = 1.0 / self.num_batches_tracked.item()
            else:
                factor = self.momentum
            with torch.no_grad():
                self.running_mean.lerp_(mu_bn.reshape(c), factor)
                self.running_var.lerp_(var_bn.reshape(c) * count / (count - 1), factor)
        else:
            mu_bn = self.running_mean.view(1, c, 1, 1)
            var_bn = self.running_var.view(1, c, 1, 1)

        w_mu = self._softmax(self.mean_weight)
        w_var = self._softmax(self.var_weight)
        mu = torch.stack(torch.broadcast_tensors(mu_in, mu_ln, mu_bn), dim=-1) @ w_mu
        var = torch.stack(torch.broadcast_tensors(var_in, var_ln, var_bn), dim=-1) @ w_var
        out = (input - mu) * torch.rsqrt(var + self.eps)
        return torch.addcmul(self.bias.view(1, c, 1, 1), out, self.weight.view(1, c, 1, 1))

    def extra_repr(self) -> str:
        return f"{self.num_features}, eps={self.eps}, momentum={self.momentum}"
