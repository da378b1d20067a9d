"""Bug: dropout is applied after every layer, the last layer's output included."""

import math
import warnings

import torch
import torch.nn.functional as F
from torch import nn


class RecurrentStack(nn.Module):
    """Parameters of every layer and direction of a recurrent stack, and the loops over them."""

    gates = 1

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
        self.input_size = input_size
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.bias = bias
        self.batch_first = batch_first
        self.dropout = float(dropout)
        self.bidirectional = bidirectional
        self.proj_size = proj_size
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                "dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}",
                stacklevel=2,
            )
        n_dir = 2 if bidirectional else 1
        h_out = proj_size or hidden_size
        rows = self.gates * hidden_size
        for layer in range(num_layers):
            in_size = input_size if layer == 0 else n_dir * h_out
            for suffix in ("", "_reverse")[:n_dir]:
                end = f"_l{layer}{suffix}"
                setattr(self, "weight_ih" + end, nn.Parameter(torch.empty(rows, in_size)))
                setattr(self, "weight_hh" + end, nn.Parameter(torch.empty(rows, h_out)))
                if bias:
                    setattr(self, "bias_ih" + end, nn.Parameter(torch.empty(rows)))
                    setattr(self, "bias_hh" + end, nn.Parameter(torch.empty(rows)))
                if proj_size:
                    setattr(
                        self, "weight_hr" + end, nn.Parameter(torch.empty(proj_size, hidden_size))
                    )
        k = 1 / math.sqrt(hidden_size)
        for p in self.parameters():
            nn.init.uniform_(p, -k, k)

    def weights(self, layer, suffix):
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
        return {name: getattr(self, f"{name}_l{layer}{suffix}", None) for name in names}

    def zero_state(self, batch, x):
        return (x.new_zeros(batch, self.proj_size or self.hidden_size),)

    def step(self, x, state, weights):
        raise NotImplementedError

    def run(self, input, hx):
        batched = input.dim() == 3
        if not batched:
            input = input.unsqueeze(1)
            if hx is not None:
                hx = tuple(h.unsqueeze(1) for h in hx)
        elif self.batch_first:
            input = input.transpose(0, 1)
        L, N = input.shape[0], input.shape[1]
        n_dir = 2 if self.bidirectional else 1
        x = input
        finals = []
        for layer in range(self.num_layers):
            outs = []
            for d in range(n_dir):
                idx = layer * n_dir + d
                state = self.zero_state(N, x) if hx is None else tuple(h[idx] for h in hx)
                w = self.weights(layer, "_reverse" if d == 1 else "")
                steps = range(L - 1, -1, -1) if d == 1 else range(L)
                hs = [None] * L
                for t in steps:
                    state = self.step(x[t], state, w)
                    hs[t] = state[0]
                outs.append(torch.stack(hs))
                finals.append(state)
            x = torch.cat(outs, dim=2)
            if self.training and self.dropout > 0:
                x = F.dropout(x, self.dropout)
        finals = tuple(torch.stack(parts) for parts in zip(*finals))
        if not batched:
            return x.squeeze(1), tuple(f.squeeze(1) for f in finals)
        if self.batch_first:
            x = x.transpose(0, 1)
        return x, finals


class RNN(RecurrentStack):
    """A stack of Elman RNN layers; like nn.RNN."""

    def __init__(
        self,
        input_size,
        hidden_size,
        num_layers=1,
        nonlinearity="tanh",
        bias=True,
        batch_first=False,
        dropout=0.0,
        bidirectional=False,
    ):
        super().__init__(
            input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional
        )
        self.nonlinearity = nonlinearity

    def step(self, x, state, weights):
        (h,) = state
        pre = x @ weights["weight_ih"].T + h @ weights["weight_hh"].T
        if weights["bias_ih"] is not None:
            pre = pre + weights["bias_ih"] + weights["bias_hh"]
        return (torch.tanh(pre) if self.nonlinearity == "tanh" else torch.relu(pre),)

    def forward(self, input, hx=None):
        output, (h_n,) = self.run(input, None if hx is None else (hx,))
        return output, h_n
