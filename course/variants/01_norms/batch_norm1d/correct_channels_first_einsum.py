"""Moves channels first, reduces a (C, n) matrix with sum/einsum and updates stats with lerp."""

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
        self.weight = nn.Parameter(torch.ones(num_features)) if affine else None
        self.bias = nn.Parameter(torch.zeros(num_features)) if affine and bias else None
        if track_running_stats:
            self.register_buffer("running_mean", torch.zeros(num_features))
            self.register_buffer("running_var", torch.ones(num_features))
            self.register_buffer("num_batches_tracked", torch.zeros((), dtype=torch.long))
        else:
            for name in ("running_mean", "running_var", "num_batches_tracked"):
                self.register_buffer(name, None)
        self.reset_parameters()

    def reset_running_stats(self) -> None:
        if self.track_running_stats:
            self.running_mean.fill_(0.0)
            self.running_var.fill_(1.0)
            self.num_batches_tracked.fill_(0)

    def reset_parameters(self) -> None:
        self.reset_running_stats()
        if self.affine:
            nn.init.ones_(self.weight)
            if self.bias is not None:
                nn.init.zeros_(self.bias)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if input.dim() not in (2, 3):
            raise ValueError(f"expected 2D or 3D input (got {input.dim()}D input)")
        channels = input.shape[1]
        moved = input.movedim(1, 0)
        flat = moved.reshape(channels, input.numel() // channels)  # -1 fails when empty
        n = flat.shape[1]
        tracking = self.training and self.track_running_stats
        if tracking:
            self.num_batches_tracked += 1
        if (self.training or self.running_mean is None) and n == 1:
            raise ValueError(
                "Expected more than 1 value per channel when training, "
                f"got input size {input.size()}"
            )
        if self.training or self.running_mean is None:
            mean = flat.sum(dim=1) / n
            centered = flat - mean[:, None]
            var = torch.einsum("cn,cn->c", centered, centered) / n
            if tracking and n > 0:  # an empty batch leaves the running statistics
                if self.momentum is None:
                    weight = 1.0 / self.num_batches_tracked.item()
                else:
                    weight = self.momentum
                with torch.no_grad():
                    self.running_mean.copy_(torch.lerp(self.running_mean, mean, weight))
                    unbiased = var * n / (n - 1)
                    self.running_var.copy_(torch.lerp(self.running_var, unbiased, weight))
        else:
            var = self.running_var
            centered = flat - self.running_mean[:, None]

        out = centered * torch.rsqrt(var + self.eps)[:, None]
        if self.affine:
            if self.bias is None:
                out = out * self.weight[:, None]
            else:
                out = torch.addcmul(self.bias[:, None], out, self.weight[:, None])
        return out.reshape(moved.shape).movedim(0, 1)

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )
