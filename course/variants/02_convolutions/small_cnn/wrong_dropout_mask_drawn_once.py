# ruff: noqa: F821
"""Bug: the Dropout draws its mask once and reuses it at every call, so training is not random.

Runs in the lesson's namespace: it uses names that earlier cells define."""


class Flatten(nn.Module):
    """Your chapter-1 Flatten: merge dimensions start_dim … end_dim (inclusive)."""

    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()
        self.start_dim = start_dim
        self.end_dim = end_dim

    def forward(self, x):
        start, end = self.start_dim % x.dim(), self.end_dim % x.dim()
        merged = x.shape[start : end + 1].numel()
        return x.reshape(*x.shape[:start], merged, *x.shape[end + 1 :])


class Dropout(nn.Module):
    """Your chapter-1 Dropout: in training mode zero each element with probability p and scale
    the rest by 1/(1-p); the identity in eval mode."""

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
        if getattr(self, "mask", None) is None or self.mask.shape != x.shape:
            self.mask = (torch.rand_like(x) >= self.p).to(x.dtype) * scale
        mask = self.mask
        return x.mul_(mask) if self.inplace else x * mask


class BatchNorm2d(nn.Module):
    """Your chapter-1 BatchNorm2d: statistics per channel over (N, H, W); running statistics
    updated with momentum in training mode and used in eval mode."""

    def __init__(
        self,
        num_features,
        eps=1e-05,
        momentum=0.1,
        affine=True,
        track_running_stats=True,
        *,
        bias=True,
    ):
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

    def reset_parameters(self):
        if self.track_running_stats:
            self.running_mean.zero_()
            self.running_var.fill_(1)
            self.num_batches_tracked.zero_()
        if self.affine:
            nn.init.ones_(self.weight)
        if self.bias is not None:
            nn.init.zeros_(self.bias)

    def _check_input_dim(self, x):
        if x.dim() != 4:
            raise ValueError(f"expected 4D input (got {x.dim()}D input)")

    def forward(self, x):
        self._check_input_dim(x)
        dims = [0] + list(range(2, x.dim()))  # every dimension but the channels
        shape = [1, -1] + [1] * (x.dim() - 2)  # to broadcast per-channel vectors against x
        if self.training or not self.track_running_stats:
            mean = x.mean(dims)
            var = x.var(dims, unbiased=False)
            if self.training and self.track_running_stats:
                with torch.no_grad():
                    self.num_batches_tracked.add_(1)
                    m = x.numel() / x.shape[1]
                    momentum = (
                        1 / self.num_batches_tracked.item()
                        if self.momentum is None
                        else self.momentum
                    )
                    self.running_mean.mul_(1 - momentum).add_(momentum * mean)
                    self.running_var.mul_(1 - momentum).add_(momentum * var * m / (m - 1))
        else:
            mean, var = self.running_mean, self.running_var
        y = (x - mean.view(shape)) / torch.sqrt(var.view(shape) + self.eps)
        if self.weight is not None:
            y = y * self.weight.view(shape)
        if self.bias is not None:
            y = y + self.bias.view(shape)
        return y


class SmallCNN(nn.Module):
    """Two blocks conv → batch norm → ReLU → pool, then dropout, a 1×1-conv head and flatten:
    images (N, in_channels, H, W) → logits (N, num_classes)."""

    def __init__(self, in_channels=1, num_classes=4, width=8, dropout=0.5):
        super().__init__()
        self.conv1 = Conv2d(in_channels, width, 3, padding=1, bias=False)
        self.bn1 = BatchNorm2d(width)
        self.pool1 = MaxPool2d(2)
        self.conv2 = Conv2d(width, 2 * width, 3, padding=1, bias=False)
        self.bn2 = BatchNorm2d(2 * width)
        self.pool2 = AdaptiveAvgPool2d(1)
        self.dropout = Dropout(dropout)
        self.head = Conv2d(2 * width, num_classes, 1)
        self.flatten = Flatten()

    def forward(self, x):
        x = self.pool1(self.bn1(self.conv1(x)).relu())
        x = self.pool2(self.bn2(self.conv2(x)).relu())
        return self.flatten(self.head(self.dropout(x)))
