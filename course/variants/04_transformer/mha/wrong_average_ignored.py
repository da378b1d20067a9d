"""Bug: the weights are always averaged over the heads, (N, L, S), even with
average_attn_weights=False, where torch returns every head's weights (N, h, L, S)."""

# ruff: noqa: F821 (scaled_dot_product_attention, masked_softmax: the previous exercise)

import math

import torch
import torch.nn.functional as F
from torch import nn


def additive(mask, dtype):
    """A boolean mask (True = may not attend) as 0 / -inf; a float mask or None as it is."""
    if mask is None or mask.is_floating_point():
        return mask
    return torch.zeros(mask.shape, dtype=dtype, device=mask.device).masked_fill(mask, -math.inf)


def one_more_key(mask):
    """A mask over S keys as a mask over S + 1: the extra last key may always be attended."""
    return None if mask is None else F.pad(mask, (0, 1))


class MultiheadAttention(nn.Module):
    """Attention in num_heads heads over projected queries, keys and values; like
    nn.MultiheadAttention."""

    def __init__(
        self,
        embed_dim,
        num_heads,
        dropout=0.0,
        bias=True,
        add_bias_kv=False,
        add_zero_attn=False,
        kdim=None,
        vdim=None,
        batch_first=False,
    ):
        super().__init__()
        if embed_dim % num_heads:
            raise AssertionError("embed_dim must be divisible by num_heads")
        self.embed_dim, self.num_heads, self.dropout = embed_dim, num_heads, dropout
        self.head_dim, self.batch_first = embed_dim // num_heads, batch_first
        self.kdim = embed_dim if kdim is None else kdim
        self.vdim = embed_dim if vdim is None else vdim
        self._qkv_same_embed_dim = self.kdim == embed_dim and self.vdim == embed_dim
        if self._qkv_same_embed_dim:
            self.in_proj_weight = nn.Parameter(torch.empty(3 * embed_dim, embed_dim))
        else:
            self.q_proj_weight = nn.Parameter(torch.empty(embed_dim, embed_dim))
            self.k_proj_weight = nn.Parameter(torch.empty(embed_dim, self.kdim))
            self.v_proj_weight = nn.Parameter(torch.empty(embed_dim, self.vdim))
        self.in_proj_bias = nn.Parameter(torch.empty(3 * embed_dim)) if bias else None
        self.out_proj = nn.Linear(embed_dim, embed_dim, bias=bias)
        if add_bias_kv:
            self.bias_k = nn.Parameter(torch.empty(1, 1, embed_dim))
            self.bias_v = nn.Parameter(torch.empty(1, 1, embed_dim))
        else:
            self.bias_k = self.bias_v = None
        self.add_zero_attn = add_zero_attn
        self._reset_parameters()

    def _reset_parameters(self):
        if self._qkv_same_embed_dim:
            nn.init.xavier_uniform_(self.in_proj_weight)
        else:
            for weight in (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight):
                nn.init.xavier_uniform_(weight)
        if self.in_proj_bias is not None:
            nn.init.zeros_(self.in_proj_bias)
            nn.init.zeros_(self.out_proj.bias)
        if self.bias_k is not None:
            nn.init.xavier_normal_(self.bias_k)
            nn.init.xavier_normal_(self.bias_v)

    def forward(
        self,
        query,
        key,
        value,
        key_padding_mask=None,
        need_weights=True,
        attn_mask=None,
        average_attn_weights=True,
        is_causal=False,
    ):
        if is_causal and attn_mask is None:
            raise RuntimeError("is_causal=True is a hint about attn_mask: pass the mask too")
        batched = query.dim() == 3
        if not batched:
            query, key, value = query.unsqueeze(1), key.unsqueeze(1), value.unsqueeze(1)
            if key_padding_mask is not None:
                key_padding_mask = key_padding_mask.unsqueeze(0)
        elif self.batch_first:
            query, key, value = query.transpose(0, 1), key.transpose(0, 1), value.transpose(0, 1)
        L, N, E = query.shape
        H, D = self.num_heads, self.head_dim
        if self._qkv_same_embed_dim:
            weights = self.in_proj_weight.chunk(3)
        else:
            weights = (self.q_proj_weight, self.k_proj_weight, self.v_proj_weight)
        biases = (None,) * 3 if self.in_proj_bias is None else self.in_proj_bias.chunk(3)
        q, k, v = (F.linear(*wb) for wb in zip((query, key, value), weights, biases))
        mask = additive(attn_mask, q.dtype)  # (L, S) or (N * H, L, S)
        if mask is not None and mask.dim() == 3:
            mask = mask.unflatten(0, (N, H))
        padding = additive(key_padding_mask, q.dtype)  # (N, S)
        if padding is not None:
            padding = padding[:, None, None, :]
            mask = padding if mask is None else mask + padding  # (N, H, L, S)
        if self.bias_k is not None:
            k = torch.cat([k, self.bias_k.expand(1, N, E)])
            v = torch.cat([v, self.bias_v.expand(1, N, E)])
            mask = one_more_key(mask)
        q, k, v = (t.reshape(t.size(0), N, H, D).permute(1, 2, 0, 3) for t in (q, k, v))
        if self.add_zero_attn:
            k = torch.cat([k, k.new_zeros(N, H, 1, D)], dim=2)
            v = torch.cat([v, v.new_zeros(N, H, 1, D)], dim=2)
            mask = one_more_key(mask)
        p = self.dropout if self.training else 0.0
        if need_weights:  # torch's explicit path: a fully masked row gives NaN
            scores = q @ k.transpose(-2, -1) / math.sqrt(D)
            weights = torch.softmax(scores if mask is None else scores + mask, dim=-1)
            weights = F.dropout(weights, p)
            out = weights @ v
            weights = weights.mean(dim=1)
        else:  # torch's fused path: a fully masked row gives zeros
            out, weights = scaled_dot_product_attention(q, k, v, mask, p), None
        out = self.out_proj(out.permute(2, 0, 1, 3).reshape(L, N, E))
        if not batched:
            return out.squeeze(1), None if weights is None else weights.squeeze(0)
        return out.transpose(0, 1) if self.batch_first else out, weights
