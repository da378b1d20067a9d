"""Bug: calls torch.nn.functional.batch_norm, the operation this exercise rebuilds."""

import torch.nn.functional as F


class BatchNorm3d(BatchNorm1d):  # noqa: F821 (the lesson's BatchNorm1d, defined above)
    def _check_input_dim(self, x):
        if x.dim() != 5:
            raise ValueError(f"expected 5D input (got {x.dim()}D input)")

    def forward(self, x):
        self._check_input_dim(x)
        if self.training and self.track_running_stats:
            self.num_batches_tracked.add_(1)
        momentum = (
            1 / self.num_batches_tracked.item()
            if self.momentum is None and self.training and self.track_running_stats
            else (self.momentum or 0.0)
        )
        use_batch = self.training or self.running_mean is None
        return F.batch_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias, use_batch, momentum,
            self.eps,
        )  # fmt: skip
