"""Correct alternative: a torch.autograd.Function whose backward adds the output gradient into the
rows (index_add_), divided by the counts and with the padding row zeroed; torch.renorm for
max_norm."""

import torch
from torch import nn


class Lookup(torch.autograd.Function):
    """weight[input], with the gradient nn.Embedding gives the table."""

    @staticmethod
    def forward(ctx, weight, input, padding_idx, scale_grad_by_freq):
        ctx.save_for_backward(input)
        ctx.rows, ctx.padding_idx, ctx.scale = weight.shape[0], padding_idx, scale_grad_by_freq
        return weight[input]

    @staticmethod
    def backward(ctx, grad_output):
        (input,) = ctx.saved_tensors
        flat = input.reshape(-1)
        grad = grad_output.reshape(flat.numel(), -1)
        if ctx.scale:
            counts = torch.bincount(flat, minlength=ctx.rows).to(grad.dtype)
            grad = grad / counts[flat].unsqueeze(1)
        grad_weight = grad.new_zeros(ctx.rows, grad.shape[1]).index_add_(0, flat, grad)
        if ctx.padding_idx is not None:
            grad_weight[ctx.padding_idx] = 0
        return grad_weight, None, None, None


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
            if padding_idx >= num_embeddings or padding_idx < -num_embeddings:
                raise ValueError("padding_idx must be within num_embeddings")
            padding_idx = range(num_embeddings)[padding_idx]
        self.num_embeddings, self.embedding_dim = num_embeddings, embedding_dim
        self.padding_idx = padding_idx
        self.max_norm, self.norm_type = max_norm, norm_type
        self.scale_grad_by_freq, self.sparse = scale_grad_by_freq, sparse
        if _weight is None:
            _weight = torch.randn(num_embeddings, embedding_dim)
            if padding_idx is not None:
                _weight[padding_idx] = torch.zeros(embedding_dim)
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
        return cls(
            *embeddings.shape,
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
                self.weight[rows] = torch.renorm(
                    self.weight[rows], p=self.norm_type, dim=0, maxnorm=self.max_norm
                )
        return Lookup.apply(self.weight, input, self.padding_idx, self.scale_grad_by_freq)
