"""Correct alternative: step spells out each layer's pieces (attention step with keyword
arguments, the feed-forward's linears, activation and dropouts, the final norm through
F.layer_norm) and adds the positions straight from the pe buffer."""

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
        layers = self.blocks.layers
        cache = [(None, None)] * len(layers) if cache is None else cache
        past = 0 if cache[0][0] is None else cache[0][0].shape[-2]
        x = self.embedding(idx) + self.position.pe[past : past + idx.size(1)]
        grown = []
        for block, (keys, values) in zip(layers, cache, strict=True):
            attention = block.self_attn
            h, keys, values = self_attention_step(
                block.norm1(x),
                past_key=keys,
                past_value=values,
                in_proj_weight=attention.in_proj_weight,
                in_proj_bias=attention.in_proj_bias,
                out_proj_weight=attention.out_proj.weight,
                out_proj_bias=attention.out_proj.bias,
                num_heads=attention.num_heads,
            )
            x = x + block.dropout1(h)
            hidden = block.dropout(block.activation(block.linear1(block.norm2(x))))
            x = x + block.dropout2(block.linear2(hidden))
            grown.append((keys, values))
        norm = self.blocks.norm
        x = F.layer_norm(x, norm.normalized_shape, norm.weight, norm.bias, norm.eps)
        return self.head(x), grown


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
