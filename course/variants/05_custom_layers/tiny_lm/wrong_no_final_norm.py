"""Bug: TinyLM.forward sends the last block's output to the head without the final RMSNorm
(norm is built, and loaded, but never used)."""

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
        qkv = self.qkv(self.norm1(x)).split(d, -1)
        heads = [t.view(N, L, self.n_heads, -1).transpose(1, 2) for t in qkv]
        q, k, v = self.rope(heads[0]), self.rope(heads[1]), heads[2]
        scores = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
        future = torch.ones(L, L, dtype=torch.bool, device=x.device).triu(1)
        attention = torch.softmax(scores.masked_fill(future, -math.inf), dim=-1) @ v
        x = x + self.proj(attention.transpose(1, 2).reshape(N, L, d))
        return x + self.down(F.gelu(self.up(self.norm2(x))))


class TinyLM(nn.Module):
    """Embedding, n_layers blocks, RMSNorm, and an output layer tied to the embedding."""

    def __init__(self, vocab_size, d_model=32, n_heads=2, n_layers=2):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, d_model)
        self.blocks = nn.ModuleList(Block(d_model, n_heads) for _ in range(n_layers))
        self.norm = RMSNorm(d_model)
        self.head = Linear(d_model, vocab_size, bias=False)
        self.head.weight = self.embed.weight
        nn.init.normal_(self.embed.weight, std=0.02)

    def forward(self, tokens):
        x = self.embed(tokens)
        for block in self.blocks:
            x = block(x)
        return self.head(x)
