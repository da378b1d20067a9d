"""Bug: each step calls torch.lstm_cell, torch's fused LSTM step, instead of computing the gates."""

import torch


class LSTM(RecurrentStack):  # noqa: F821
    """A stack of LSTM layers, with optional projections; like nn.LSTM."""

    gates = 4

    def zero_state(self, batch, x):
        return x.new_zeros(batch, self.proj_size or self.hidden_size), x.new_zeros(
            batch, self.hidden_size
        )

    def step(self, x, state, weights):
        h, c = torch.lstm_cell(
            x, state, weights["weight_ih"], weights["weight_hh"], weights["bias_ih"],
            weights["bias_hh"],
        )  # fmt: skip
        if weights["weight_hr"] is not None:
            h = h @ weights["weight_hr"].T
        return h, c

    def forward(self, input, hx=None):
        output, (h_n, c_n) = self.run(input, hx)
        return output, (h_n, c_n)
