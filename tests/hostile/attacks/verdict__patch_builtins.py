"""A wrong Flatten, plus rebinding builtins the checks rely on."""

import builtins


class Flatten(nn.Module):  # noqa: F821
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()

    def forward(self, x):
        return x


builtins.any = lambda iterable: False
