"""Bug: updates running_var with the biased instance variance instead of the unbiased one."""

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
            nn.init.ones_(self.weight)
            if self.bias is not None:
                nn.init.zeros_(self.bias)

    def forward(self, input: torch.Tensor) -> torch.Tensor:
        if input.dim() not in (3, 4):
            raise ValueError(f"expected 3D or 4D input (got {input.dim()}D input)")
        if input.dim() == 3:
            return self.forward(input.unsqueeze(0)).squeeze(0)
        if self.affine and input.shape[1] != self.num_features:
            raise ValueError(
                f"expected input's size at dim=1 to match num_features ({self.num_features}), "
                f"but got: {input.shape[1]}."
            )
        shape = (1, -1, 1, 1)
        if self.training or not self.track_running_stats:
            hw = input.shape[2] * input.shape[3]
            if hw <= 1:
                raise ValueError(
                    f"Expected more than 1 spatial element when training, got input size "
                    f"{input.size()}"
                )
            var, mean = torch.var_mean(input, dim=(2, 3), correction=0, keepdim=True)
            if self.training and self.track_running_stats:
                # torch's instance_norm uses momentum 0 (no update) when momentum is None and
                # never touches num_batches_tracked
                factor = 0.0 if self.momentum is None else self.momentum
                with torch.no_grad():
                    batch_mean = mean.mean(dim=0).reshape(-1)
                    batch_var = var.mean(dim=0).reshape(-1)
                    self.running_mean.mul_(1 - factor).add_(batch_mean, alpha=factor)
                    self.running_var.mul_(1 - factor).add_(batch_var, alpha=factor)
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
