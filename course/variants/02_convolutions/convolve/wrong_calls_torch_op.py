"""Bug: calls torch's own convolution."""

import torch.nn.functional as F


def convolve(x, weight, bias=None, stride=1, dilation=1):
    conv = (F.conv1d, F.conv2d, F.conv3d)[weight.dim() - 3]
    return conv(x, weight, bias, stride, 0, dilation)
