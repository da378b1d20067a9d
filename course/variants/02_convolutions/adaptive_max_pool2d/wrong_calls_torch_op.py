"""Bug: calls the torch op it should build (F.adaptive_max_pool2d)."""

import torch
import torch.nn.functional as F
from torch import nn


class AdaptiveMaxPool2d(nn.Module):
    def __init__(self, output_size, return_indices: bool = False) -> None:
        super().__init__()
        self.output_size = output_size
        self.return_indices = return_indices

    def _sizes(self, x: torch.Tensor) -> list:
        wanted = self.output_size
        if not isinstance(wanted, (tuple, list)):
            wanted = (wanted, wanted)
        return [size if o is None else o for size, o in zip(x.shape[-2:], wanted)]

    def forward(self, input: torch.Tensor):
        return F.adaptive_max_pool2d(input, self.output_size, self.return_indices)
