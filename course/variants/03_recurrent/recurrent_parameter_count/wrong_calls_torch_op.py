"""Bug: calls the torch op it should build: runs torch's layer, one layer at a time, on zeros
to read the width the next layer reads."""

import torch
from torch import nn


def recurrent_parameter_count(
    mode, input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, proj_size=0
):
    """The number of parameters of nn.RNN, nn.LSTM or nn.GRU built with these arguments."""
    extra = {"proj_size": proj_size} if proj_size else {}
    width, total = input_size, 0
    for _ in range(num_layers):
        layer = getattr(nn, mode)(
            width, hidden_size, bias=bias, bidirectional=bidirectional, **extra
        )
        total += sum(p.numel() for p in layer.parameters())
        with torch.no_grad():
            output = layer(torch.zeros(1, 1, width))[0]
        width = output.shape[-1]
    return total
