"""Uses torch.var_mean (correction=0) with keepdim and in-place no_grad running-stat updates."""

import torch
from torch import nn


class BatchNorm1d(nn.Module):
    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        *,
        bias: bool = True,
    ) -> None:
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

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            with torch.no_grad():
                self.weight.fill_(1.0)
                if self.bias is not None:
                    self.bias.zero_()

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if input.dim() not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")
        dims = (0,) if input.dim() == 2 else (0, 2)
        shape = (1, -1) if input.dim() == 2 else (1, -1, 1)
        n = input.numel() // input.shape[1]
        factor = 0.0
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
            if self.momentum is None:
                factor = 1.0 / float(self.num_batches_tracked)
            else:
                factor = self.momentum

        if (self.training or self.running_mean is None) and n == 1:
            raise ValueError(
                "Expected more than 1 value per channel when training, "
                f"got input size {input.size()}"
            )
        if self.training or self.running_mean is None:
            var, mean = torch.var_mean(input, dim=dims, correction=0, keepdim=True)
            if self.training and self.track_running_stats and n > 0:  # empty: stats stay
                with torch.no_grad():
                    self.running_mean.mul_(1 - factor).add_(mean.reshape(-1), alpha=factor)
                    unbiased = var.reshape(-1) * (n / (n - 1))
                    self.running_var.mul_(1 - factor).add_(unbiased, alpha=factor)
        else:
            mean = self.running_mean.reshape(shape)
            var = self.running_var.reshape(shape)

        out = (input - mean) / torch.sqrt(var + self.eps)
        if self.affine:
            out = out * self.weight.reshape(shape)
            if self.bias is not None:
                out = out + self.bias.reshape(shape)
        return out

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )
