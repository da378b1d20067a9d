"""Correct: q, k and v from torch.chunk, heads from unflatten, both attention products written
with torch.einsum on (N, L, heads, d_head) without transposes, and the causal mask added as a
float matrix of 0 and -inf."""

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

    def attention(self, x):
        L = x.size(1)
        q, k, v = (t.unflatten(-1, (self.n_heads, -1)) for t in self.qkv(x).chunk(3, dim=-1))
        # the rotation wants the sequence second-to-last: (N, heads, L, d_head) and back
        q = self.rope(q.transpose(1, 2)).transpose(1, 2)
        k = self.rope(k.transpose(1, 2)).transpose(1, 2)
        scores = torch.einsum("nqhd,nkhd->nhqk", q, k) / math.sqrt(q.size(-1))
        mask = torch.full((L, L), float("-inf"), dtype=x.dtype, device=x.device).triu(1)
        weights = torch.softmax(scores + mask, dim=-1)
        return torch.einsum("nhqk,nkhd->nqhd", weights, v).flatten(-2)

    def forward(self, x):
        x = x + self.proj(self.attention(self.norm1(x)))
        return x + self.down(F.gelu(self.up(self.norm2(x))))


class TinyLM(nn.Module):
    """Embedding, n_layers blocks, RMSNorm, and an output layer tied to the embedding."""

    def __init__(self, vocab_size, d_model=32, n_heads=2, n_layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_model)
        self.blocks = nn.ModuleList()
        for _ in range(n_layers):
            self.blocks.append(Block(d_model, n_heads))
        self.norm = RMSNorm(d_model)
        self.head = Linear(d_model, vocab_size, bias=False)
        self.head.weight = self.embed.weight
        with torch.no_grad():
            self.embed.weight.normal_(0.0, 0.02)

    def forward(self, tokens):
        x = self.embed(tokens)
        for block in self.blocks:
            x = block(x)
        return self.head(self.norm(x))
