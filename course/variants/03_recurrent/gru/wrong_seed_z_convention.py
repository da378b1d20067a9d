"""Bug: the seed's update h' = (1 - z) * h + z * n: z weighs the candidate, not the old
state as in torch."""

import torch


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
        gi = x @ weights["weight_ih"].T
        gh = h @ weights["weight_hh"].T
        if weights["bias_ih"] is not None:
            gi = gi + weights["bias_ih"]
            gh = gh + weights["bias_hh"]
        i_r, i_z, i_n = gi.chunk(3, dim=-1)
        h_r, h_z, h_n = gh.chunk(3, dim=-1)
        r = torch.sigmoid(i_r + h_r)
        z = torch.sigmoid(i_z + h_z)
        n = torch.tanh(i_n + r * h_n)
        return (h - z * h + z * n,)

    def forward(self, input, hx=None):
        output, (h_n,) = self.run(input, None if hx is None else (hx,))
        return output, h_n
