"""Bug: calls the torch op it should build (runs F.conv1d on zeros and reads the shape)."""

import torch
import torch.nn.functional as F


def conv_output_size(i: int, k: int, s: int = 1, p: int = 0, d: int = 1) -> int:
    x = torch.zeros(1, 1, i)
    w = torch.zeros(1, 1, k)
    return int(F.conv1d(x, w, stride=s, padding=p, dilation=d).shape[-1])
