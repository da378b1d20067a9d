"""Bug: stores a negative padding_idx as given, so no index equals it and its row gets
gradients (the init still zeroes the right row, by Python's negative indexing)."""

import torch
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
            if not -num_embeddings <= padding_idx < num_embeddings:
                raise ValueError("padding_idx must be within num_embeddings")
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = padding_idx
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        if _weight is None:
            weight = torch.randn(num_embeddings, embedding_dim)
            if padding_idx is not None:
                weight[padding_idx] = 0.0
        else:
            weight = _weight
        self.weight = nn.Parameter(weight, requires_grad=not _freeze)

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
        return cls(
            rows,
            dim,
            padding_idx=padding_idx,
            max_norm=max_norm,
            norm_type=norm_type,
            scale_grad_by_freq=scale_grad_by_freq,
            sparse=sparse,
            _weight=embeddings,
            _freeze=freeze,
        )

    def forward(self, input):
        if self.max_norm is not None:
            with torch.no_grad():
                rows = input.unique()
                norms = self.weight[rows].norm(p=self.norm_type, dim=1, keepdim=True)
                scale = torch.where(norms > self.max_norm, self.max_norm / (norms + 1e-7), 1.0)
                self.weight[rows] = self.weight[rows] * scale
        out = self.weight[input]
        if self.scale_grad_by_freq:
            counts = torch.bincount(input.flatten(), minlength=self.num_embeddings)
            share = (1.0 / counts[input]).unsqueeze(-1).to(out.dtype)
            out = out * share + (out - out * share).detach()
        if self.padding_idx is not None:
            keep = (input != self.padding_idx).unsqueeze(-1)
            out = torch.where(keep, out, out.detach())
        return out
