"""Correct alternative: the lookup as a one-hot matrix product with a per-call copy of the table,
whose gradient a hook scales row by row (1/count, 0 for the padding row)."""

import torch
import torch.nn.functional as F
from torch import nn


class Embedding(nn.Module):
    """A learned lookup table: row i of weight is the vector of index i; like nn.Embedding."""

    def __init__(
        self,
        num_embeddings,
        embedding_dim,
        padding_idx=None,
        max_norm=None,
        norm_type=2.0,
        scale_grad_by_freq=False,
        sparse=False,
        _weight=None,
        _freeze=False,
    ):
        super().__init__()
        if padding_idx is not None:
            assert -num_embeddings <= padding_idx < num_embeddings, "padding_idx out of range"
            if padding_idx < 0:
                padding_idx = num_embeddings + padding_idx
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = padding_idx
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        if _weight is not None:
            self.weight = nn.Parameter(_weight, requires_grad=not _freeze)
        else:
            self.weight = nn.Parameter(torch.randn(num_embeddings, embedding_dim))
            self.weight.requires_grad_(not _freeze)
            if padding_idx is not None:
                with torch.no_grad():
                    self.weight[padding_idx].fill_(0)

    @classmethod
    def from_pretrained(
        cls,
        embeddings,
        freeze=True,
        padding_idx=None,
        max_norm=None,
        norm_type=2.0,
        scale_grad_by_freq=False,
        sparse=False,
    ):
        """An Embedding whose table is ``embeddings`` (rows, dim), frozen unless freeze=False."""
        rows, dim = embeddings.shape
        layer = cls(
            rows, dim, padding_idx, max_norm, norm_type, scale_grad_by_freq, sparse,
            _weight=embeddings, _freeze=freeze,
        )  # fmt: skip
        return layer

    def forward(self, input):
        if self.max_norm is not None:
            with torch.no_grad():
                used = torch.zeros(self.num_embeddings, dtype=torch.bool, device=input.device)
                used[input.flatten()] = True
                norms = self.weight.norm(p=self.norm_type, dim=1)
                shrink = used & (norms > self.max_norm)
                self.weight[shrink] *= (self.max_norm / (norms[shrink] + 1e-7)).unsqueeze(1)
        table = self.weight
        if table.requires_grad and (self.scale_grad_by_freq or self.padding_idx is not None):
            row_scale = table.new_ones(self.num_embeddings, 1)
            if self.scale_grad_by_freq:
                counts = torch.bincount(input.flatten(), minlength=self.num_embeddings)
                row_scale = row_scale / counts.clamp(min=1).unsqueeze(1)
            if self.padding_idx is not None:
                row_scale[self.padding_idx] = 0.0
            table = table.clone()
            table.register_hook(lambda grad: grad * row_scale)
        one_hot = F.one_hot(input, self.num_embeddings).to(table.dtype)
        return one_hot @ table
