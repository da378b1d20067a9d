# ruff: noqa: F821
"""Bug: the output size forgets the dilation (a window of k cells, not d(k-1)+1).

Runs in the lesson's namespace: it uses names that earlier cells define."""


def conv2d_by_unfold(x, weight, bias=None, stride=1, padding=0, dilation=1):
    kernel = tuple(weight.shape[2:])
    stride, padding, dilation = ntuple(stride, 2), ntuple(padding, 2), ntuple(dilation, 2)
    columns = Unfold(kernel, dilation, padding, stride)(x)
    out = weight.flatten(1) @ columns
    if bias is not None:
        out = out + bias[:, None]
    size = [conv_output_size(x.shape[2 + i], kernel[i], stride[i], padding[i]) for i in range(2)]
    return Fold(size, 1)(out)
