"""Correct alternative: the weights are split into their r, z, n blocks and every gate gets its
own F.linear products; the update is written as the interpolation n + z * (h - n)."""

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
        w_ir, w_iz, w_in = weights["weight_ih"].chunk(3)
        w_hr, w_hz, w_hn = weights["weight_hh"].chunk(3)
        if weights["bias_ih"] is None:
            b_ir = b_iz = b_in = b_hr = b_hz = b_hn = None
        else:
            b_ir, b_iz, b_in = weights["bias_ih"].chunk(3)
            b_hr, b_hz, b_hn = weights["bias_hh"].chunk(3)
        r = torch.sigmoid(F.linear(x, w_ir, b_ir) + F.linear(h, w_hr, b_hr))
        z = torch.sigmoid(F.linear(x, w_iz, b_iz) + F.linear(h, w_hz, b_hz))
        n = torch.tanh(F.linear(x, w_in, b_in) + r * F.linear(h, w_hn, b_hn))
        return (n + z * (h - n),)

    def forward(self, input, hx=None):
        output, (h_n,) = self.run(input, None if hx is None else (hx,))
        return output, h_n
