"""Unfolds every spatial axis, then contracts channels and taps with one einsum."""

import torch


def convolve(x, weight, bias=None, stride=1, dilation=1):
    nd = weight.dim() - 2
    stride = (stride,) * nd if isinstance(stride, int) else tuple(stride)
    dilation = (dilation,) * nd if isinstance(dilation, int) else tuple(dilation)
    for axis, (k, s, d) in enumerate(zip(weight.shape[2:], stride, dilation)):
        x = x.unfold(2 + axis, d * (k - 1) + 1, s)[..., ::d]
    out, taps = "pqr"[:nd], "xyz"[:nd]
    y = torch.einsum(f"nc{out}{taps},oc{taps}->no{out}", x, weight)
    if bias is not None:
        y = y + bias.view(-1, *[1] * nd)
    return y
