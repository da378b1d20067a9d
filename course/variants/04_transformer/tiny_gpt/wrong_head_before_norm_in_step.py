"""Bug: step applies the head before the final norm: the logits are layer-normalised over the
vocabulary instead of the features over d_model."""

# ruff: noqa: F821 (PositionalEncoding, TransformerEncoderLayer, TransformerEncoder, self_attention_step: earlier lesson cells)

import torch
import torch.nn.functional as F
from torch import nn


def causal_mask(length, device=None):
    """True above the diagonal: position i may not attend to j > i (MultiheadAttention's sense)."""
    return torch.ones(length, length, dtype=torch.bool, device=device).triu(1)


class TinyGPT(nn.Module):
    """Token embedding + sinusoidal positions → pre-norm causal Transformer layers → logits."""

    def __init__(
        self,
        vocab_size,
        d_model=32,
        nhead=4,
        num_layers=2,
        dim_feedforward=64,
        max_len=256,
        dropout=0.0,
    ):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, d_model)
        self.position = PositionalEncoding(d_model, max_len, batch_first=True)
        layer = TransformerEncoderLayer(
            d_model, nhead, dim_feedforward, dropout, batch_first=True, norm_first=True
        )
        self.blocks = TransformerEncoder(
            layer, num_layers, norm=nn.LayerNorm(d_model), enable_nested_tensor=False
        )
        self.head = nn.Linear(d_model, vocab_size)

    def forward(self, idx):
        x = self.position(self.embedding(idx))
        mask = causal_mask(idx.size(1), idx.device)
        return self.head(self.blocks(x, mask=mask, is_causal=True))

    def step(self, idx, cache=None):
        past = 0 if cache is None else cache[0][0].size(2)
        x = self.position(self.embedding(idx), offset=past)
        grown = []
        for i, block in enumerate(self.blocks.layers):
            keys, values = (None, None) if cache is None else cache[i]
            a = block.self_attn
            h, keys, values = self_attention_step(
                block.norm1(x),
                keys,
                values,
                a.in_proj_weight,
                a.in_proj_bias,
                a.out_proj.weight,
                a.out_proj.bias,
                a.num_heads,
            )
            x = x + block.dropout1(h)
            x = x + block.feed_forward(block.norm2(x))
            grown.append((keys, values))
        logits = self.head(x)
        return F.layer_norm(logits, logits.shape[-1:], eps=self.blocks.norm.eps), grown


class CachedTinyGPT(TinyGPT):
    """TinyGPT whose forward runs through step(): the first half at once, then token by token."""

    def forward(self, idx):
        half = idx.size(1) // 2
        logits, cache = self.step(idx[:, :half])
        pieces = [logits]
        for t in range(half, idx.size(1)):
            logits, cache = self.step(idx[:, t : t + 1], cache)
            pieces.append(logits)
        return torch.cat(pieces, dim=1)
