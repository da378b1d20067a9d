# ruff: noqa: F821
"""Uses the learner's Unfold, an einsum, and a reshape of the L columns instead of a 1×1 Fold.

Runs in the lesson's namespace: it uses names that earlier cells define."""

import torch


def conv2d_by_unfold(x, weight, bias=None, stride=1, padding=0, dilation=1):
    two = lambda v: (v, v) if isinstance(v, int) else tuple(v)  # noqa: E731
    (sh, sw), (ph, pw), (dh, dw) = two(stride), two(padding), two(dilation)
    kh, kw = weight.shape[2:]
    columns = Unfold((kh, kw), (dh, dw), (ph, pw), (sh, sw))(x)
    out = torch.einsum("ok,nkl->nol", weight.reshape(weight.shape[0], -1), columns)
    if bias is not None:
        out = out + bias.reshape(1, -1, 1)
    oh = (x.shape[2] + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (x.shape[3] + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    return out.reshape(x.shape[0], -1, oh, ow)
