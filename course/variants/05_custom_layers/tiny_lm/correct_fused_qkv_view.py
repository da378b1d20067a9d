"""Correct: as the twin does it, the fused projection is viewed as (N, L, 3, heads, d_head) and
permuted to (3, N, heads, L, d_head), then unpacked into q, k and v; the mask is tril's
complement and the softmax is written out with max subtraction."""

# ruff: noqa: F821 (Linear, RMSNorm, RotaryEmbedding: earlier lesson cells)

import math

import torch
import torch.nn.functional as F
from torch import nn


class Block(nn.Module):
    """Pre-norm decoder block: causal rotary attention, then a GELU feed-forward part."""

    def __init__(self, d_model, n_heads):
        super().__init__()
        self.n_heads = n_heads
        self.norm1 = RMSNorm(d_model)
        self.qkv = Linear(d_model, 3 * d_model, bias=False)
        self.proj = Linear(d_model, d_model, bias=False)
        self.rope = RotaryEmbedding(d_model // n_heads)
        self.norm2 = RMSNorm(d_model)
        self.up = Linear(d_model, 4 * d_model, bias=False)
        self.down = Linear(4 * d_model, d_model, bias=False)

    def forward(self, x):
        N, L, d = x.shape
        fused = self.qkv(self.norm1(x)).view(N, L, 3, self.n_heads, d // self.n_heads)
        q, k, v = fused.permute(2, 0, 3, 1, 4)
        q, k = self.rope(q), self.rope(k)
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(d // self.n_heads))
        allowed = torch.tril(torch.ones(L, L, dtype=torch.bool, device=x.device))
        scores = scores.masked_fill(~allowed, float("-inf"))
        weights = (scores - scores.amax(-1, keepdim=True)).exp()
        weights = weights / weights.sum(-1, keepdim=True)
        attention = (weights @ v).permute(0, 2, 1, 3).reshape(N, L, d)
        h = x + self.proj(attention)
        return h + self.down(F.gelu(self.up(self.norm2(h))))


class TinyLM(nn.Module):
    """Embedding, n_layers blocks, RMSNorm, and an output layer tied to the embedding."""

    def __init__(self, vocab_size, d_model=32, n_heads=2, n_layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_model)
        nn.init.normal_(self.embed.weight, mean=0.0, std=0.02)
        self.blocks = nn.ModuleList([Block(d_model, n_heads) for _ in range(n_layers)])
        self.norm = RMSNorm(d_model)
        self.head = Linear(d_model, vocab_size, bias=False)
        self.head.weight = self.embed.weight

    def forward(self, tokens):
        x = self.embed(tokens)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))
