"""Bug: the paper's candidate n = tanh(W_in x + b_in + W_hn (r * h) + b_hn): r scales h before the
hidden product instead of multiplying its result."""

import torch
import torch.nn.functional as F


class GRU(RecurrentStack):  # noqa: F821
    """A stack of GRU layers; like nn.GRU."""

    gates = 3

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
        super().__init__(
            input_size, hidden_size, num_layers, bias, batch_first, dropout, bidirectional
        )

    def step(self, x, state, weights):
        (h,) = state
        i_r, i_z, i_n = F.linear(x, weights["weight_ih"], weights["bias_ih"]).chunk(3, dim=-1)
        w_hr, w_hz, w_hn = weights["weight_hh"].chunk(3)
        b_hr = b_hz = b_hn = None
        if weights["bias_hh"] is not None:
            b_hr, b_hz, b_hn = weights["bias_hh"].chunk(3)
        r = torch.sigmoid(i_r + F.linear(h, w_hr, b_hr))
        z = torch.sigmoid(i_z + F.linear(h, w_hz, b_hz))
        n = torch.tanh(i_n + F.linear(r * h, w_hn, b_hn))
        return ((1 - z) * n + z * h,)

    def forward(self, input, hx=None):
        output, (h_n,) = self.run(input, None if hx is None else (hx,))
        return output, h_n
