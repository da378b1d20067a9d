"""Bug: accepts 4-D input as well; torch's BatchNorm3d raises ValueError for anything but 5-D."""


class BatchNorm3d(BatchNorm1d):  # noqa: F821 (the lesson's BatchNorm1d, defined above)
    def _check_input_dim(self, x):
        if x.dim() not in (4, 5):
            raise ValueError(f"expected 4D or 5D input (got {x.dim()}D input)")
