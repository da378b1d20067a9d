"""Bug: forward applies dropout once more to the stack's output, after the last layer."""

import torch
import torch.nn.functional as F


class LSTM(RecurrentStack):  # noqa: F821
    """A stack of LSTM layers, with optional projections; like nn.LSTM."""

    gates = 4

    def zero_state(self, batch, x):
        return x.new_zeros(batch, self.proj_size or self.hidden_size), x.new_zeros(
            batch, self.hidden_size
        )

    def step(self, x, state, weights):
        h, c = state
        z = x @ weights["weight_ih"].T + h @ weights["weight_hh"].T
        if weights["bias_ih"] is not None:
            z = z + weights["bias_ih"] + weights["bias_hh"]
        i, f, g, o = z.chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        if weights["weight_hr"] is not None:
            h = h @ weights["weight_hr"].T
        return h, c

    def forward(self, input, hx=None):
        output, (h_n, c_n) = self.run(input, hx)
        output = F.dropout(output, self.dropout, self.training)
        return output, (h_n, c_n)
