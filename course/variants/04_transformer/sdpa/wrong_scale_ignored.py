"""Bug: the scale argument is ignored; the scores are always multiplied by 1/sqrt(E)."""

import math

import torch
import torch.nn.functional as F


def masked_softmax(scores):
    """Softmax over the last axis; a row whose scores are all -inf gets weights 0, as in torch."""
    dead = torch.isneginf(scores).all(dim=-1, keepdim=True)
    weights = torch.softmax(scores.masked_fill(dead, 0.0), dim=-1)
    return weights.masked_fill(dead, 0.0)


def scaled_dot_product_attention(
    query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False
):
    """softmax(Q Kᵀ · scale + mask) V over the last two axes; like
    F.scaled_dot_product_attention."""
    L, S = query.size(-2), key.size(-2)
    scale = 1 / math.sqrt(query.size(-1))
    if enable_gqa and key.size(-3) != query.size(-3):
        groups = query.size(-3) // key.size(-3)
        key = key.repeat_interleave(groups, dim=-3)
        value = value.repeat_interleave(groups, dim=-3)
    scores = query @ key.transpose(-2, -1) * scale
    if is_causal:
        allowed = torch.ones(L, S, dtype=torch.bool, device=query.device).tril()
        scores = scores.masked_fill(~allowed, -math.inf)
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            scores = scores.masked_fill(~attn_mask, -math.inf)
        else:
            scores = scores + attn_mask
    weights = F.dropout(masked_softmax(scores), dropout_p)
    return weights @ value
