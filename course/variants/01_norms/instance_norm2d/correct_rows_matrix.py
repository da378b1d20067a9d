"""Views the input as an (N*C, H*W) matrix, two-pass row stats, lerp for running stats."""

import torch
from torch import nn


class InstanceNorm2d(nn.Module):
    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = False,
        track_running_stats: bool = False,
        *,
        bias: bool = True,
    ) -> None:
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
        stats = track_running_stats
        self.register_buffer("running_mean", torch.zeros(num_features) if stats else None)
        self.register_buffer("running_var", torch.ones(num_features) if stats else None)
        self.register_buffer(
            "num_batches_tracked", torch.zeros((), dtype=torch.long) if stats else None
        )
        self.reset_parameters()

    def reset_parameters(self) -> None:
        if self.track_running_stats:
            self.running_mean.fill_(0.0)
            self.running_var.fill_(1.0)
            self.num_batches_tracked.fill_(0)
        if self.affine:
            with torch.no_grad():
                self.weight.fill_(1.0)
                if self.bias is not None:
                    self.bias.fill_(0.0)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        unbatched = input.dim() == 3
        x = input.unsqueeze(0) if unbatched else input
        if x.dim() != 4:
            raise ValueError(f"expected 3D or 4D input (got {input.dim()}D input)")
        n, c, h, w = x.shape
        if self.affine and c != self.num_features:
            raise ValueError(
                f"expected input's size at dim=1 to match num_features ({self.num_features}), "
                f"but got: {c}."
            )
        rows = x.reshape(n * c, h * w)
        if self.training or not self.track_running_stats:
            if h * w == 1:
                raise ValueError("Expected more than 1 spatial element when training")
            mean = rows.sum(dim=1, keepdim=True) / (h * w)
            centered = rows - mean
            var = (centered * centered).sum(dim=1, keepdim=True) / (h * w)
            if self.training and self.track_running_stats and self.momentum is not None:
                with torch.no_grad():
                    new_mean = mean.reshape(n, c).mean(dim=0)
                    new_var = var.reshape(n, c).mean(dim=0) * (h * w) / (h * w - 1)
                    self.running_mean.copy_(self.running_mean.lerp(new_mean, self.momentum))
                    self.running_var.copy_(self.running_var.lerp(new_var, self.momentum))
        else:
            mean = self.running_mean.repeat(n).unsqueeze(1)
            var = self.running_var.repeat(n).unsqueeze(1)
            centered = rows - mean
        out = (centered / torch.sqrt(var + self.eps)).reshape(n, c, h, w)
        if self.affine:
            out = out * self.weight[:, None, None]
            if self.bias is not None:
                out = out + self.bias[:, None, None]
        return out.squeeze(0) if unbatched else out

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, bias={self.bias is not None}, "
            f"track_running_stats={self.track_running_stats}"
        )
