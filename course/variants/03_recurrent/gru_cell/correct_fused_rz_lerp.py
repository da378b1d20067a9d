"""Correct alternative: r and z from one product of cat([x, h]); h' = torch.lerp(n, h, z)."""

# ruff: noqa: F821 (cell_parameters and affine come from the lesson)

import torch
from torch import nn


class GRUCell(nn.Module):
    def __init__(self, input_size, hidden_size, bias=True):
        super().__init__()
        self.input_size, self.hidden_size, self.bias = input_size, hidden_size, bias
        cell_parameters(self, input_size, hidden_size, 3, bias)

    def forward(self, input, hx=None):
        batched = input.dim() == 2
        x = input if batched else input.unsqueeze(0)
        H = self.hidden_size
        h = x.new_zeros(x.shape[0], H) if hx is None else hx.reshape(x.shape[0], H)
        w_rz = torch.cat([self.weight_ih[: 2 * H], self.weight_hh[: 2 * H]], dim=1)
        rz = torch.cat([x, h], dim=1) @ w_rz.t()
        if self.bias:
            rz = rz + self.bias_ih[: 2 * H] + self.bias_hh[: 2 * H]
        r, z = torch.sigmoid(rz).split(H, dim=1)
        b_in = self.bias_ih[2 * H :] if self.bias else None
        b_hn = self.bias_hh[2 * H :] if self.bias else None
        n = torch.tanh(
            affine(x, self.weight_ih[2 * H :], b_in) + r * affine(h, self.weight_hh[2 * H :], b_hn)
        )
        h = torch.lerp(n, h, z)
        return h if batched else h.squeeze(0)
