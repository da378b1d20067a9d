"""Correct alternative: the reverse direction reads torch.flip(x) and its states are flipped
back; dropout between layers is an nn.Dropout module."""

import math
import warnings

import torch
import torch.nn.functional as F
from torch import nn


class RecurrentStack(nn.Module):
    """What RNN, LSTM and GRU share: parameters of every layer and direction, and the loops."""

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
                UserWarning,
                stacklevel=2,
            )
        self.between_layers = nn.Dropout(self.dropout)
        num_directions = 2 if bidirectional else 1
        real_hidden = proj_size if proj_size > 0 else hidden_size
        gate_size = self.gates * hidden_size
        for layer in range(num_layers):
            layer_input = input_size if layer == 0 else real_hidden * num_directions
            for direction in range(num_directions):
                suffix = "_reverse" if direction == 1 else ""
                params = [
                    ("weight_ih", (gate_size, layer_input)),
                    ("weight_hh", (gate_size, real_hidden)),
                ]
                if bias:
                    params += [("bias_ih", (gate_size,)), ("bias_hh", (gate_size,))]
                if proj_size > 0:
                    params.append(("weight_hr", (proj_size, hidden_size)))
                for name, shape in params:
                    self.register_parameter(
                        f"{name}_l{layer}{suffix}", nn.Parameter(torch.empty(*shape))
                    )
        self.reset_parameters()

    def reset_parameters(self):
        stdv = 1.0 / math.sqrt(self.hidden_size) if self.hidden_size > 0 else 0.0
        for weight in self.parameters():
            nn.init.uniform_(weight, -stdv, stdv)

    def weights(self, layer, suffix):
        names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr")
        return {name: getattr(self, f"{name}_l{layer}{suffix}", None) for name in names}

    def zero_state(self, batch, x):
        return (x.new_zeros(batch, self.proj_size or self.hidden_size),)

    def step(self, x, state, weights):
        raise NotImplementedError

    def run_direction(self, seq, state, weights):
        """Read seq (L, N, ·) from its first step to its last: (states (L, N, ·), final)."""
        hs = []
        for x_t in seq:
            state = self.step(x_t, state, weights)
            hs.append(state[0])
        return torch.stack(hs), state

    def run(self, input, hx):
        unbatched = input.dim() == 2
        if unbatched:
            input = input.unsqueeze(1)
            if hx is not None:
                hx = tuple(h.unsqueeze(1) for h in hx)
        elif self.batch_first:
            input = input.transpose(0, 1)
        suffixes = ["", "_reverse"] if self.bidirectional else [""]
        batch = input.shape[1]
        layer_input = input
        finals = []
        for layer in range(self.num_layers):
            per_direction = []
            for d, suffix in enumerate(suffixes):
                k = layer * len(suffixes) + d
                state = self.zero_state(batch, input) if hx is None else tuple(h[k] for h in hx)
                weights = self.weights(layer, suffix)
                if suffix:
                    hs, state = self.run_direction(torch.flip(layer_input, [0]), state, weights)
                    hs = torch.flip(hs, [0])
                else:
                    hs, state = self.run_direction(layer_input, state, weights)
                per_direction.append(hs)
                finals.append(state)
            layer_input = torch.cat(per_direction, dim=2)
            if layer < self.num_layers - 1:
                layer_input = self.between_layers(layer_input)
        output = layer_input
        finals = tuple(torch.stack(part) for part in zip(*finals))
        if unbatched:
            output = output.squeeze(1)
            finals = tuple(f.squeeze(1) for f in finals)
        elif self.batch_first:
            output = output.transpose(0, 1)
        return output, finals


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
        if nonlinearity not in ("tanh", "relu"):
            raise ValueError(f"Unknown nonlinearity '{nonlinearity}'")
        super().__init__(
            input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional
        )
        self.nonlinearity = nonlinearity

    def step(self, x, state, weights):
        (h,) = state
        pre = F.linear(x, weights["weight_ih"], weights["bias_ih"])
        pre = pre + F.linear(h, weights["weight_hh"], weights["bias_hh"])
        return (torch.tanh(pre) if self.nonlinearity == "tanh" else F.relu(pre),)

    def forward(self, input, hx=None):
        output, (h_n,) = self.run(input, None if hx is None else (hx,))
        return output, h_n
