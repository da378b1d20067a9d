# ruff: noqa: F821
"""Bug: 'same' puts the odd extra padding cell at the start; torch puts it at the end.

Runs in the lesson's namespace: it uses names that earlier cells define."""


def conv_parameters(weight_shape, bias_size):
    """A weight Parameter of weight_shape and a bias Parameter of bias_size (None: no bias),
    initialised like torch (fan_in = weight[0].numel())."""
    weight = nn.Parameter(torch.empty(weight_shape))
    nn.init.kaiming_uniform_(weight, a=math.sqrt(5))
    if bias_size is None:
        return weight, None
    bound = 1 / math.sqrt(weight[0].numel())
    return weight, nn.Parameter(torch.empty(bias_size).uniform_(-bound, bound))


def conv_forward(x, weight, bias, stride, padding, dilation, groups=1, padding_mode="zeros"):
    """Pad x (N, C_in, *spatial), then convolve each of the groups with its block of weight."""
    nd = weight.dim() - 2
    kernel = weight.shape[2:]
    if padding == "valid":
        padding = (0,) * nd
    if padding == "same":  # d(k-1) cells in all, the odd one at the end
        totals = [dilation[i] * (kernel[i] - 1) for i in range(nd)]
        amounts = [(t - t // 2, t // 2) for t in totals]
    else:
        amounts = [(p, p) for p in padding]
    x = pad(x, amounts, padding_mode)
    biases = [None] * groups if bias is None else bias.chunk(groups)
    blocks = zip(x.chunk(groups, 1), weight.chunk(groups), biases)
    return torch.cat([convolve(*block, stride, dilation) for block in blocks], 1)


class Conv1d(nn.Module):
    """1-D convolution over (N, C_in, L) or (C_in, L); like nn.Conv1d."""

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups=1,
        bias=True,
        padding_mode="zeros",
    ):
        super().__init__()
        self.in_channels, self.out_channels, self.groups = in_channels, out_channels, groups
        self.kernel_size, self.stride = ntuple(kernel_size, 1), ntuple(stride, 1)
        self.padding, self.dilation = ntuple(padding, 1), ntuple(dilation, 1)
        self.padding_mode = padding_mode
        shape = (out_channels, in_channels // groups, *self.kernel_size)
        self.weight, self.bias = conv_parameters(shape, out_channels if bias else None)

    def forward(self, x):
        unbatched = x.dim() == 2
        x = x.unsqueeze(0) if unbatched else x
        y = conv_forward(
            x,
            self.weight,
            self.bias,
            self.stride,
            self.padding,
            self.dilation,
            self.groups,
            self.padding_mode,
        )
        return y.squeeze(0) if unbatched else y
