"""Correct alternative: the weights are split into their i, f, g, o blocks and each gate has
its own two F.linear products."""

import torch
import torch.nn.functional as F


class LSTM(RecurrentStack):  # noqa: F821
    """A stack of LSTM layers, with optional projections; like nn.LSTM."""

    gates = 4

    def zero_state(self, batch, x):
        h_size = self.proj_size if self.proj_size > 0 else self.hidden_size
        return x.new_zeros(batch, h_size), x.new_zeros(batch, self.hidden_size)

    def step(self, x, state, weights):
        h, c = state
        w_ih = weights["weight_ih"].chunk(4)
        w_hh = weights["weight_hh"].chunk(4)
        if weights["bias_ih"] is None:
            b_ih = b_hh = (None,) * 4
        else:
            b_ih, b_hh = weights["bias_ih"].chunk(4), weights["bias_hh"].chunk(4)

        def gate(k):
            return F.linear(x, w_ih[k], b_ih[k]) + F.linear(h, w_hh[k], b_hh[k])

        input_gate = torch.sigmoid(gate(0))
        forget_gate = torch.sigmoid(gate(1))
        candidate = torch.tanh(gate(2))
        output_gate = torch.sigmoid(gate(3))
        c = forget_gate * c + input_gate * candidate
        h = output_gate * torch.tanh(c)
        if weights["weight_hr"] is not None:
            h = F.linear(h, weights["weight_hr"])
        return h, c

    def forward(self, input, hx=None):
        return self.run(input, None if hx is None else tuple(hx))
