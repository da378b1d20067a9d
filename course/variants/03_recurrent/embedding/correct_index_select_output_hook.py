"""Correct alternative: index_select for the lookup, index_copy_ for max_norm, and one gradient
hook on the output that scales (scale_grad_by_freq) and zeroes (padding_idx) its gradient."""

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
            if padding_idx < 0:
                padding_idx += num_embeddings
            if not 0 <= padding_idx < num_embeddings:
                raise ValueError("padding_idx must be within num_embeddings")
        self.num_embeddings = num_embeddings
        self.embedding_dim = embedding_dim
        self.padding_idx = padding_idx
        self.max_norm = max_norm
        self.norm_type = norm_type
        self.scale_grad_by_freq = scale_grad_by_freq
        self.sparse = sparse
        if _weight is None:
            _weight = torch.randn(num_embeddings, embedding_dim)
            if padding_idx is not None:
                _weight[padding_idx].zero_()
        self.weight = nn.Parameter(_weight, requires_grad=not _freeze)

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
        assert embeddings.dim() == 2, "embeddings must be a 2-D table"
        return cls(
            embeddings.shape[0],
            embeddings.shape[1],
            padding_idx=padding_idx,
            max_norm=max_norm,
            norm_type=norm_type,
            scale_grad_by_freq=scale_grad_by_freq,
            sparse=sparse,
            _weight=embeddings,
            _freeze=freeze,
        )

    def _renorm(self, flat):
        with torch.no_grad():
            rows = torch.unique(flat)
            picked = self.weight.index_select(0, rows)
            norms = torch.linalg.vector_norm(picked, ord=self.norm_type, dim=1, keepdim=True)
            scale = torch.where(
                norms > self.max_norm, self.max_norm / (norms + 1e-7), torch.ones_like(norms)
            )
            self.weight.index_copy_(0, rows, picked * scale)

    def forward(self, input):
        flat = input.reshape(-1)
        if self.max_norm is not None:
            self._renorm(flat)
        out = self.weight.index_select(0, flat)
        if out.requires_grad and (self.scale_grad_by_freq or self.padding_idx is not None):
            factor = out.new_ones(flat.shape[0], 1)
            if self.scale_grad_by_freq:
                counts = torch.bincount(flat, minlength=self.num_embeddings)
                factor = factor / counts[flat].unsqueeze(1)
            if self.padding_idx is not None:
                factor = factor * (flat != self.padding_idx).unsqueeze(1)
            out.register_hook(lambda grad: grad * factor)
        return out.reshape(*input.shape, self.embedding_dim)
