# ruff: noqa: F821
"""Reuses the lesson's max_pool over the last three axes, as the reference does, with its
own tuple handling.

Runs in the lesson's namespace: it uses names that earlier cells define."""


class MaxPool3d(nn.Module):
    """3-D max pooling over (N, C, D, H, W) or (C, D, H, W)."""

    def __init__(
        self, kernel_size, stride=None, padding=0, dilation=1, return_indices=False, ceil_mode=False
    ):
        super().__init__()
        three = lambda v: tuple(v) if isinstance(v, (tuple, list)) else (v,) * 3  # noqa: E731
        self.kernel_size, self.padding, self.dilation = (
            three(kernel_size),
            three(padding),
            three(dilation),
        )
        self.stride = self.kernel_size if stride is None else three(stride)
        self.return_indices, self.ceil_mode = return_indices, ceil_mode

    def forward(self, x):
        return max_pool(
            x,
            3,
            self.kernel_size,
            self.stride,
            self.padding,
            self.dilation,
            self.ceil_mode,
            self.return_indices,
        )
