"""Bug: calls the torch op it should build (F.scaled_dot_product_attention)."""

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
    return F.scaled_dot_product_attention(
        query,
        key,
        value,
        attn_mask=attn_mask,
        dropout_p=dropout_p,
        is_causal=is_causal,
        scale=scale,
        enable_gqa=enable_gqa,
    )
