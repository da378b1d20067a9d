"""Bug: the projection is applied only to what the layer outputs; the recurrence (and so
weight_hh, hidden_size columns wide) reads the unprojected h."""

import math
import warnings

import torch
import torch.nn.functional as F
from torch import nn


class LSTM(nn.Module):
    """A stack of LSTM layers, with optional projections; like nn.LSTM."""

    def __init__(
        self,
        input_size,
        hidden_size,
        num_layers=1,
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
        proj_size=0,
    ):
        super().__init__()
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer", stacklevel=2
            )
        self.suffixes = ["", "_reverse"] if bidirectional else [""]
        out_size = proj_size or hidden_size
        for layer in range(num_layers):
            width = input_size if layer == 0 else len(self.suffixes) * out_size
            for s in self.suffixes:
                self.register_parameter(
                    f"weight_ih_l{layer}{s}", nn.Parameter(torch.empty(4 * hidden_size, width))
                )
                # h is projected on its way out; inside the layer it keeps hidden_size features
                self.register_parameter(
                    f"weight_hh_l{layer}{s}",
                    nn.Parameter(torch.empty(4 * hidden_size, hidden_size)),
                )
                if bias:
                    self.register_parameter(
                        f"bias_ih_l{layer}{s}", nn.Parameter(torch.empty(4 * hidden_size))
                    )
                    self.register_parameter(
                        f"bias_hh_l{layer}{s}", nn.Parameter(torch.empty(4 * hidden_size))
                    )
                if proj_size:
                    self.register_parameter(
                        f"weight_hr_l{layer}{s}", nn.Parameter(torch.empty(proj_size, hidden_size))
                    )
        bound = 1 / math.sqrt(hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def forward(self, input, hx=None):
        batched = input.dim() == 3
        x = input if batched else input.unsqueeze(1)
        if batched and self.batch_first:
            x = x.transpose(0, 1)
        length, batch = x.shape[:2]
        if hx is not None:
            hx = hx if batched else (hx[0].unsqueeze(1), hx[1].unsqueeze(1))
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            outs = []
            for d, s in enumerate(self.suffixes):
                k = layer * len(self.suffixes) + d
                w_ih, w_hh = (
                    getattr(self, f"weight_ih_l{layer}{s}"),
                    getattr(self, f"weight_hh_l{layer}{s}"),
                )
                b_ih, b_hh = (
                    getattr(self, f"bias_ih_l{layer}{s}", None),
                    getattr(self, f"bias_hh_l{layer}{s}", None),
                )
                w_hr = getattr(self, f"weight_hr_l{layer}{s}", None)
                if hx is None:
                    h = x.new_zeros(batch, self.hidden_size)
                    c = x.new_zeros(batch, self.hidden_size)
                else:
                    h, c = hx[0][k], hx[1][k]
                ys = [None] * length
                for t in reversed(range(length)) if d else range(length):
                    gates = F.linear(x[t], w_ih, b_ih) + F.linear(h, w_hh, b_hh)
                    i, f, g, o = gates.chunk(4, -1)
                    c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
                    h = torch.sigmoid(o) * torch.tanh(c)
                    ys[t] = h if w_hr is None else F.linear(h, w_hr)
                outs.append(torch.stack(ys))
                h_n.append(h if w_hr is None else F.linear(h, w_hr))
                c_n.append(c)
            x = torch.cat(outs, -1)
            if self.training and self.dropout and layer < self.num_layers - 1:
                x = F.dropout(x, self.dropout)
        h_n, c_n = torch.stack(h_n), torch.stack(c_n)
        if not batched:
            return x.squeeze(1), (h_n.squeeze(1), c_n.squeeze(1))
        if self.batch_first:
            x = x.transpose(0, 1)
        return x, (h_n, c_n)
