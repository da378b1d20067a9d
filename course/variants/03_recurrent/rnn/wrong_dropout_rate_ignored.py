"""Bug: dropout between layers always drops half, whatever dropout says."""

import math
import warnings

import torch
import torch.nn.functional as F
from torch import nn


class RecurrentStack(nn.Module):
    """Parameters of a stack of recurrent layers and the loops over layers, directions, time.

    A subclass's ``step(gi, state, weights)`` gets the input's gate pre-activations
    ``gi = x_t @ W_ih.T + b_ih`` for its step, computed for the whole sequence at once."""

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
        self.input_size, self.hidden_size = input_size, hidden_size
        self.num_layers, self.bias, self.batch_first = num_layers, bias, batch_first
        self.dropout, self.bidirectional, self.proj_size = float(dropout), bidirectional, proj_size
        if dropout > 0 and num_layers == 1:
            warnings.warn(
                f"dropout option adds dropout after all but last recurrent layer, so non-zero "
                f"dropout expects num_layers greater than 1, but got dropout={dropout} and "
                f"num_layers={num_layers}",
                stacklevel=2,
            )
        width = proj_size or hidden_size
        n_dir = 2 if bidirectional else 1
        for layer in range(num_layers):
            fan_in = input_size if layer == 0 else n_dir * width
            for suffix in ["", "_reverse"][:n_dir]:
                tag = f"_l{layer}{suffix}"
                setattr(
                    self,
                    "weight_ih" + tag,
                    nn.Parameter(torch.empty(self.gates * hidden_size, fan_in)),
                )
                setattr(
                    self,
                    "weight_hh" + tag,
                    nn.Parameter(torch.empty(self.gates * hidden_size, width)),
                )
                if bias:
                    setattr(
                        self, "bias_ih" + tag, nn.Parameter(torch.empty(self.gates * hidden_size))
                    )
                    setattr(
                        self, "bias_hh" + tag, nn.Parameter(torch.empty(self.gates * hidden_size))
                    )
                if proj_size:
                    setattr(
                        self, "weight_hr" + tag, nn.Parameter(torch.empty(proj_size, hidden_size))
                    )
        bound = 1 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def weights(self, layer, suffix):
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
        return {name: getattr(self, f"{name}_l{layer}{suffix}", None) for name in names}

    def zero_state(self, batch, x):
        return (x.new_zeros(batch, self.proj_size or self.hidden_size),)

    def step(self, gi, state, weights):
        raise NotImplementedError

    def run(self, input, hx):
        batched = input.dim() == 3
        seq = input if batched else input[:, None]
        if batched and self.batch_first:
            seq = seq.permute(1, 0, 2)
        if hx is not None and not batched:
            hx = tuple(h[:, None] for h in hx)
        n_dir = 2 if self.bidirectional else 1
        length = seq.shape[0]
        h_finals = []
        for layer in range(self.num_layers):
            halves = []
            for d in range(n_dir):
                w = self.weights(layer, "_reverse" if d else "")
                gi_all = seq @ w["weight_ih"].T  # (L, N, gates * H): every step at once
                if w["bias_ih"] is not None:
                    gi_all = gi_all + w["bias_ih"]
                if hx is None:
                    state = self.zero_state(seq.shape[1], seq)
                else:
                    state = tuple(h[n_dir * layer + d] for h in hx)
                steps = reversed(range(length)) if d else range(length)
                out = {}
                for t in steps:
                    state = self.step(gi_all[t], state, w)
                    out[t] = state[0]
                halves.append(torch.stack([out[t] for t in range(length)]))
                h_finals.append(state)
            seq = torch.cat(halves, dim=-1)
            if layer + 1 < self.num_layers and self.training and self.dropout > 0:
                seq = F.dropout(seq, training=True)
        finals = tuple(torch.stack(parts) for parts in zip(*h_finals))
        if not batched:
            return seq[:, 0], tuple(f[:, 0] for f in finals)
        if self.batch_first:
            seq = seq.permute(1, 0, 2)
        return seq, finals


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

    def step(self, gi, state, weights):
        pre = gi + affine(state[0], weights["weight_hh"], weights["bias_hh"])  # noqa: F821
        if self.nonlinearity == "relu":
            return (pre.clamp(min=0),)
        return (pre.tanh(),)

    def forward(self, input, hx=None):
        output, finals = self.run(input, None if hx is None else (hx,))
        return output, finals[0]
