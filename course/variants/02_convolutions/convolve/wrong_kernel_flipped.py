"""Bug: flips the kernel (the mathematician's convolution); torch's layers correlate."""


def convolve(x, weight, bias=None, stride=1, dilation=1):
    nd = weight.dim() - 2
    stride = (stride,) * nd if isinstance(stride, int) else tuple(stride)
    dilation = (dilation,) * nd if isinstance(dilation, int) else tuple(dilation)
    weight = weight.flip(list(range(2, 2 + nd)))
    for i, k in enumerate(weight.shape[2:]):
        x = x.unfold(2 + i, dilation[i] * (k - 1) + 1, stride[i])[..., :: dilation[i]]
    y = (x.movedim(1, 1 + nd).flatten(1 + nd) @ weight.flatten(1).T).movedim(-1, 1)
    return y if bias is None else y + bias.reshape(-1, *([1] * nd))
