"""Bug: flattens each window as (*kernel, C_in) while weight.flatten(1) is (C_in, *kernel), so
the taps meet the wrong weights whenever there are several channels and several taps."""


def convolve(x, weight, bias=None, stride=1, dilation=1):
    nd = weight.dim() - 2
    stride = (stride,) * nd if isinstance(stride, int) else tuple(stride)
    dilation = (dilation,) * nd if isinstance(dilation, int) else tuple(dilation)
    for i, k in enumerate(weight.shape[2:]):
        x = x.unfold(2 + i, dilation[i] * (k - 1) + 1, stride[i])[..., :: dilation[i]]
    x = x.movedim(1, -1).flatten(1 + nd)  # (N, *out, *kernel, C)
    y = (x @ weight.flatten(1).T).movedim(-1, 1)
    return y if bias is None else y + bias.reshape(-1, *([1] * nd))
