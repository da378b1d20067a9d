"""Bug: the four row blocks are read as i, f, o, g (the textbook order) instead of torch's
i, f, g, o."""

import torch


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
        i, f, o, g = z.chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        if weights["weight_hr"] is not None:
            h = h @ weights["weight_hr"].T
        return h, c

    def forward(self, input, hx=None):
        output, (h_n, c_n) = self.run(input, hx)
        return output, (h_n, c_n)
