"""Correct alternative: the time loop is a recursion on the first remaining step, and each
parameter is drawn right when it is registered (the same draws as a reset loop afterwards)."""

import math
import warnings

import torch
from torch import nn


class RecurrentStack(nn.Module):
    """Parameters of a stack of recurrent layers (and directions) and the unrolling in time."""

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
                "dropout option adds dropout after all but last recurrent layer", stacklevel=2
            )
        bound = 1 / math.sqrt(hidden_size) if hidden_size > 0 else 0.0

        def drawn(*shape):
            return nn.Parameter(torch.empty(shape).uniform_(-bound, bound))

        out = proj_size or hidden_size
        rows = self.gates * hidden_size
        directions = ["", "_reverse"] if bidirectional else [""]
        for layer in range(num_layers):
            width = input_size if layer == 0 else out * len(directions)
            for suffix in directions:
                self.register_parameter(f"weight_ih_l{layer}{suffix}", drawn(rows, width))
                self.register_parameter(f"weight_hh_l{layer}{suffix}", drawn(rows, out))
                if bias:
                    self.register_parameter(f"bias_ih_l{layer}{suffix}", drawn(rows))
                    self.register_parameter(f"bias_hh_l{layer}{suffix}", drawn(rows))
                if proj_size:
                    self.register_parameter(
                        f"weight_hr_l{layer}{suffix}", drawn(proj_size, hidden_size)
                    )

    def weights(self, layer, suffix):
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
        return {name: getattr(self, f"{name}_l{layer}{suffix}", None) for name in names}

    def zero_state(self, batch, x):
        return (x.new_zeros(batch, self.proj_size or self.hidden_size),)

    def step(self, x, state, weights):
        raise NotImplementedError

    def unroll(self, steps, state, weights):
        """The h after each of ``steps`` (a list of inputs, read in order) and the last state."""
        if not steps:
            return [], state
        state = self.step(steps[0], state, weights)
        later, final = self.unroll(steps[1:], state, weights)
        return [state[0], *later], final

    def run(self, input, hx):
        unbatched = input.dim() == 2
        x = input.unsqueeze(1) if unbatched else input
        if self.batch_first and not unbatched:
            x = x.transpose(0, 1)
        if unbatched and hx is not None:
            hx = tuple(h.unsqueeze(1) for h in hx)
        directions = ["", "_reverse"] if self.bidirectional else [""]
        finals = []
        for layer in range(self.num_layers):
            steps = list(x.unbind(0))
            sides = []
            for d, suffix in enumerate(directions):
                if hx is None:
                    state = self.zero_state(x.shape[1], x)
                else:
                    state = tuple(part[len(directions) * layer + d] for part in hx)
                weights = self.weights(layer, suffix)
                if suffix:
                    hs, state = self.unroll(steps[::-1], state, weights)
                    hs = hs[::-1]
                else:
                    hs, state = self.unroll(steps, state, weights)
                sides.append(torch.stack(hs))
                finals.append(state)
            x = torch.cat(sides, dim=-1)
            last = layer == self.num_layers - 1
            if not last:
                x = nn.functional.dropout(x, self.dropout, self.training)
        finals = tuple(torch.stack(parts) for parts in zip(*finals))
        if unbatched:
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
        w = weights
        pre = affine(x, w["weight_ih"], w["bias_ih"])  # noqa: F821
        pre = pre + affine(state[0], w["weight_hh"], w["bias_hh"])  # noqa: F821
        act = torch.tanh if self.nonlinearity == "tanh" else torch.relu
        return (act(pre),)

    def forward(self, input, hx=None):
        output, (h_n,) = self.run(input, None if hx is None else (hx,))
        return output, h_n
