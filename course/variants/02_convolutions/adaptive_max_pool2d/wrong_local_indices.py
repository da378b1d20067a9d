"""Bug: returns the argmax inside each window instead of the flat index into the input plane."""

import torch
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

    @staticmethod
    def _bounds(size: int, out: int) -> list:
        # window i covers [floor(i * size / out), ceil((i + 1) * size / out))
        return [((i * size) // out, -((-(i + 1) * size) // out)) for i in range(out)]

    def forward(self, input: torch.Tensor):
        (h, w), (oh, ow) = input.shape[-2:], self._sizes(input)
        values, indices = [], []
        for h0, h1 in self._bounds(h, oh):
            for w0, w1 in self._bounds(w, ow):
                best, arg = input[..., h0:h1, w0:w1].flatten(-2).max(dim=-1)
                values.append(best)
                indices.append(arg)
        lead = input.shape[:-2]
        values = torch.stack(values, dim=-1).reshape(*lead, oh, ow)
        indices = torch.stack(indices, dim=-1).reshape(*lead, oh, ow)
        return (values, indices) if self.return_indices else values
