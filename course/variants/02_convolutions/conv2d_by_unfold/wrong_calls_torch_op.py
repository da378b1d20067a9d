"""Bug: uses torch's unfold instead of the learner's own."""

import torch.nn.functional as F


def conv2d_by_unfold(x, weight, bias=None, stride=1, padding=0, dilation=1):
    columns = F.unfold(x, weight.shape[2:], dilation, padding, stride)
    out = weight.flatten(1) @ columns
    if bias is not None:
        out = out + bias[:, None]
    kh, kw = weight.shape[2:]
    s, p, d = [(v, v) if isinstance(v, int) else v for v in (stride, padding, dilation)]
    oh = (x.shape[2] + 2 * p[0] - d[0] * (kh - 1) - 1) // s[0] + 1
    ow = (x.shape[3] + 2 * p[1] - d[1] * (kw - 1) - 1) // s[1] + 1
    return out.reshape(x.shape[0], -1, oh, ow)
