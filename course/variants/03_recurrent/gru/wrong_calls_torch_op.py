"""Bug: forward hands the whole stack to torch.gru, the kernel behind nn.GRU."""

import math
import warnings

import torch
from torch import nn


class GRU(nn.Module):
    """A stack of GRU layers; like nn.GRU."""

    def __init__(
        self,
        input_size,
        hidden_size,
        num_layers=1,
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
    ):
        super().__init__()
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional = bidirectional
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer", stacklevel=2
            )
        directions = 2 if bidirectional else 1
        for layer in range(num_layers):
            width = input_size if layer == 0 else directions * hidden_size
            for suffix in ("", "_reverse")[:directions]:
                end = f"_l{layer}{suffix}"
                setattr(self, "weight_ih" + end, nn.Parameter(torch.empty(3 * hidden_size, width)))
                setattr(
                    self, "weight_hh" + end, nn.Parameter(torch.empty(3 * hidden_size, hidden_size))
                )
                if bias:
                    setattr(self, "bias_ih" + end, nn.Parameter(torch.empty(3 * hidden_size)))
                    setattr(self, "bias_hh" + end, nn.Parameter(torch.empty(3 * hidden_size)))
        k = 1 / math.sqrt(hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -k, k)

    def forward(self, input, hx=None):
        batched = input.dim() == 3
        x = input if batched else input.unsqueeze(1)
        directions = 2 if self.bidirectional else 1
        if hx is None:
            batch = x.shape[0] if batched and self.batch_first else x.shape[1]
            hx = x.new_zeros(self.num_layers * directions, batch, self.hidden_size)
        elif not batched:
            hx = hx.unsqueeze(1)
        output, h_n = torch.gru(
            x,
            hx,
            list(self.parameters()),
            self.bias,
            self.num_layers,
            self.dropout,
            self.training,
            self.bidirectional,
            self.batch_first and batched,
        )
        return (output, h_n) if batched else (output.squeeze(1), h_n.squeeze(1))
