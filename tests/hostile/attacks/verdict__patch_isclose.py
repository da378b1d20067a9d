"""A wrong Flatten, plus patches that would make naive comparisons pass."""

import torch


class Flatten(nn.Module):  # noqa: F821
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()

    def forward(self, x):
        return x


torch.allclose = lambda *args, **kwargs: True
torch.testing.assert_close = lambda *args, **kwargs: None
torch.isclose = lambda a, b, **kwargs: torch.ones_like(a, dtype=torch.bool)
