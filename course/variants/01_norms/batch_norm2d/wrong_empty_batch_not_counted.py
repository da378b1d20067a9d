"""Bug: treats an empty batch as eval mode, so it does not count the step: torch still adds 1 to
num_batches_tracked in training mode (and leaves running_mean and running_var as they are)."""


class BatchNorm2d(BatchNorm1d):  # noqa: F821 (the lesson's BatchNorm1d, defined above)
    def _check_input_dim(self, x):
        if x.dim() != 4:
            raise ValueError(f"expected 4D input (got {x.dim()}D input)")

    def forward(self, x):
        if x.shape[0] > 0 or not self.training:
            return super().forward(x)
        self.eval()  # nothing to learn from an empty batch: normalise as in eval mode
        try:
            return super().forward(x)
        finally:
            self.train()
