"""Correct alternative: a standalone nn.Module; each layer multiplies the whole sequence by
W_ih once before the time loop, the reverse direction reads torch.flip(x), and dropout is an
nn.Dropout module."""

import math
import warnings

import torch
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
        if proj_size < 0 or (proj_size > 0 and proj_size >= hidden_size):
            raise ValueError("proj_size has to be a positive integer smaller than hidden_size")
        self.input_size, self.hidden_size, self.num_layers = input_size, hidden_size, num_layers
        self.bias, self.batch_first, self.dropout = bias, batch_first, float(dropout)
        self.bidirectional, self.proj_size = bidirectional, proj_size
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}",
                stacklevel=2,
            )
        self.drop = nn.Dropout(self.dropout)
        self.directions = 2 if bidirectional else 1
        self.h_size = proj_size or hidden_size
        for layer in range(num_layers):
            width = input_size if layer == 0 else self.directions * self.h_size
            for suffix in ["", "_reverse"][: self.directions]:
                end = f"_l{layer}{suffix}"
                self.register_parameter(
                    "weight_ih" + end, nn.Parameter(torch.empty(4 * hidden_size, width))
                )
                self.register_parameter(
                    "weight_hh" + end, nn.Parameter(torch.empty(4 * hidden_size, self.h_size))
                )
                if bias:
                    self.register_parameter(
                        "bias_ih" + end, nn.Parameter(torch.empty(4 * hidden_size))
                    )
                    self.register_parameter(
                        "bias_hh" + end, nn.Parameter(torch.empty(4 * hidden_size))
                    )
                if proj_size:
                    self.register_parameter(
                        "weight_hr" + end, nn.Parameter(torch.empty(proj_size, hidden_size))
                    )
        stdv = 1.0 / math.sqrt(hidden_size)
        for p in self.parameters():
            p.data.uniform_(-stdv, stdv)

    def _direction(self, seq, h, c, layer, suffix):
        """Run one layer and direction over seq (L, N, ·) in its order: (hs, h_n, c_n)."""
        w_ih = getattr(self, f"weight_ih_l{layer}{suffix}")
        w_hh = getattr(self, f"weight_hh_l{layer}{suffix}")
        w_hr = getattr(self, f"weight_hr_l{layer}{suffix}", None)
        pre_x = torch.matmul(seq, w_ih.t())  # (L, N, 4H), the input part of every step
        if self.bias:
            pre_x = pre_x + getattr(self, f"bias_ih_l{layer}{suffix}")
            b_hh = getattr(self, f"bias_hh_l{layer}{suffix}")
        hs = []
        for t in range(seq.shape[0]):
            pre = pre_x[t] + h @ w_hh.t()
            if self.bias:
                pre = pre + b_hh
            i, f, g, o = pre.split(self.hidden_size, dim=-1)
            c = f.sigmoid() * c + i.sigmoid() * g.tanh()
            h = o.sigmoid() * c.tanh()
            if w_hr is not None:
                h = h @ w_hr.t()
            hs.append(h)
        return torch.stack(hs), h, c

    def forward(self, input, hx=None):
        unbatched = input.dim() == 2
        x = input.unsqueeze(1) if unbatched else input
        if self.batch_first and not unbatched:
            x = x.transpose(0, 1)
        n = x.shape[1]
        if hx is None:
            count = self.num_layers * self.directions
            h0 = x.new_zeros(count, n, self.h_size)
            c0 = x.new_zeros(count, n, self.hidden_size)
        else:
            h0, c0 = hx
            if unbatched:
                h0, c0 = h0.unsqueeze(1), c0.unsqueeze(1)
        h_n, c_n = [], []
        for layer in range(self.num_layers):
            k = layer * self.directions
            hs, h, c = self._direction(x, h0[k], c0[k], layer, "")
            sides = [hs]
            h_n.append(h)
            c_n.append(c)
            if self.bidirectional:
                hs, h, c = self._direction(x.flip(0), h0[k + 1], c0[k + 1], layer, "_reverse")
                sides.append(hs.flip(0))
                h_n.append(h)
                c_n.append(c)
            x = torch.cat(sides, dim=-1)
            if layer < self.num_layers - 1:
                x = self.drop(x)
        h_n, c_n = torch.stack(h_n), torch.stack(c_n)
        if unbatched:
            return x.squeeze(1), (h_n.squeeze(1), c_n.squeeze(1))
        if self.batch_first:
            x = x.transpose(0, 1)
        return x, (h_n, c_n)
