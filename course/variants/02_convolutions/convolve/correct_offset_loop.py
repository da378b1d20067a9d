"""Loops over the kernel's offsets: each offset adds a strided slice of the input, mixed over
channels by that offset's weights."""

import itertools

import torch


def convolve(x, weight, bias=None, stride=1, dilation=1):
    nd = weight.dim() - 2
    stride = [stride] * nd if isinstance(stride, int) else list(stride)
    dilation = [dilation] * nd if isinstance(dilation, int) else list(dilation)
    kernel, size = weight.shape[2:], x.shape[2:]
    out = [(n - d * (k - 1) - 1) // s + 1 for n, k, s, d in zip(size, kernel, stride, dilation)]
    y = x.new_zeros(x.shape[0], weight.shape[0], *out)
    for offset in itertools.product(*[range(k) for k in kernel]):
        index = [slice(None), slice(None)]
        for a, o, s, d in zip(offset, out, stride, dilation):
            index.append(slice(a * d, a * d + (o - 1) * s + 1, s))
        part = x[tuple(index)]  # (N, C_in, *out)
        w = weight[(slice(None), slice(None), *offset)]  # (C_out, C_in)
        y = y + torch.einsum("nc...,oc->no...", part, w)
    if bias is not None:
        y = y + bias.reshape(-1, *([1] * nd))
    return y
