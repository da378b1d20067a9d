"""Correct alternative: a standalone nn.Module; the input product of a whole layer is one matmul
before the time loop, the reverse direction reads torch.flip(x), and dropout is nn.Dropout."""

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
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}",
                stacklevel=2,
            )
        self.drop = nn.Dropout(self.dropout)
        self.num_directions = 2 if bidirectional else 1
        stdv = 1.0 / math.sqrt(hidden_size)
        for layer in range(num_layers):
            width = input_size if layer == 0 else self.num_directions * hidden_size
            for suffix in ("", "_reverse")[: self.num_directions]:
                shapes = [("weight_ih", (3 * hidden_size, width))]
                shapes.append(("weight_hh", (3 * hidden_size, hidden_size)))
                if bias:
                    shapes += [("bias_ih", (3 * hidden_size,)), ("bias_hh", (3 * hidden_size,))]
                for name, shape in shapes:
                    param = nn.Parameter(torch.empty(shape))
                    self.register_parameter(f"{name}_l{layer}{suffix}", param)
        for param in self.parameters():
            nn.init.uniform_(param, -stdv, stdv)

    def _layer(self, seq, h, name):
        """One layer and direction reading seq (L, N, ·) from first to last: (states, final)."""
        w_ih, w_hh = getattr(self, "weight_ih" + name), getattr(self, "weight_hh" + name)
        gi = seq @ w_ih.T  # (L, N, 3H): the input part of every step in one product
        if self.bias:
            gi = gi + getattr(self, "bias_ih" + name)
        i_r, i_z, i_n = gi.split(self.hidden_size, dim=-1)
        states = []
        for t in range(seq.shape[0]):
            gh = h @ w_hh.T
            if self.bias:
                gh = gh + getattr(self, "bias_hh" + name)
            h_r, h_z, h_n = gh.split(self.hidden_size, dim=-1)
            r = torch.sigmoid(i_r[t] + h_r)
            z = torch.sigmoid(i_z[t] + h_z)
            n = torch.tanh(i_n[t] + r * h_n)
            h = (1 - z) * n + z * h
            states.append(h)
        return torch.stack(states), h

    def forward(self, input, hx=None):
        is_batched = input.dim() == 3
        x = input if is_batched else input.unsqueeze(1)
        if is_batched and self.batch_first:
            x = x.transpose(0, 1)
        if hx is None:
            hx = x.new_zeros(self.num_layers * self.num_directions, x.shape[1], self.hidden_size)
        elif not is_batched:
            hx = hx.unsqueeze(1)
        h_n = []
        for layer in range(self.num_layers):
            k = layer * self.num_directions
            forward, h = self._layer(x, hx[k], f"_l{layer}")
            h_n.append(h)
            parts = [forward]
            if self.bidirectional:
                backward, h = self._layer(torch.flip(x, [0]), hx[k + 1], f"_l{layer}_reverse")
                h_n.append(h)
                parts.append(torch.flip(backward, [0]))
            x = torch.cat(parts, dim=-1)
            if layer < self.num_layers - 1:
                x = self.drop(x)
        h_n = torch.stack(h_n)
        if not is_batched:
            return x.squeeze(1), h_n.squeeze(1)
        if self.batch_first:
            x = x.transpose(0, 1)
        return x, h_n
