# ruff: noqa: F821
"""Bug: copied from Dropout2d, it keeps or drops x[i, j] whole for any input, so one
unbatched volume (C, D, H, W) loses depth slices x[c, d] instead of whole channels x[c].

Runs in the lesson's namespace: it uses names that earlier cells define."""


class Dropout3d(nn.Module):
    """Zero whole channels of volumes: input (N, C, D, H, W), or one volume (C, D, H, W).

    y[n, c] = m[n, c] * x[n, c] / (1 - p) with m ~ Bernoulli(1 - p); y = x in eval mode.
    """

    def __init__(self, p=0.5, inplace=False):
        super().__init__()
        if p < 0 or p > 1:
            raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
        self.p = p
        self.inplace = inplace

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        scale = 0.0 if self.p == 1 else 1.0 / (1.0 - self.p)
        channels = x.shape[:2]
        noise_shape = channels + (1,) * (x.dim() - len(channels))
        mask = (torch.rand(noise_shape, dtype=x.dtype, device=x.device) >= self.p) * scale
        return x.mul_(mask) if self.inplace else x * mask

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"
