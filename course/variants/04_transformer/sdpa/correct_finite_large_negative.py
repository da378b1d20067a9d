"""Correct alternative: blocked scores are set to torch.finfo(dtype).min, a finite number, instead
of -inf. Which keys are blocked is tracked as a boolean tensor, so a row with every key blocked
(whose finite scores would softmax to a uniform row) still gets weights 0, as in torch."""

import math

import torch
import torch.nn.functional as F


def masked_softmax(scores, blocked=None):
    """Softmax over the last axis; a row whose scores are all -inf (or all blocked) gets
    weights 0, as in torch."""
    if blocked is None:
        blocked = torch.isneginf(scores)
    dead = blocked.all(dim=-1, keepdim=True)
    very_negative = torch.finfo(scores.dtype).min
    weights = torch.softmax(scores.masked_fill(blocked, very_negative), dim=-1)
    return weights.masked_fill(dead, 0.0)


def scaled_dot_product_attention(
    query, key, value, attn_mask=None, dropout_p=0.0, is_causal=False, scale=None, enable_gqa=False
):
    """softmax(Q Kᵀ · scale + mask) V over the last two axes; like
    F.scaled_dot_product_attention."""
    L, S = query.size(-2), key.size(-2)
    if scale is None:
        scale = 1 / math.sqrt(query.size(-1))
    if enable_gqa and key.size(-3) != query.size(-3):
        groups = query.size(-3) // key.size(-3)
        key = key.repeat_interleave(groups, dim=-3)
        value = value.repeat_interleave(groups, dim=-3)
    scores = query @ key.transpose(-2, -1) * scale
    blocked = torch.zeros(L, S, dtype=torch.bool, device=query.device)
    if is_causal:
        blocked = blocked | torch.ones(L, S, dtype=torch.bool, device=query.device).triu(1)
    if attn_mask is not None:
        if attn_mask.dtype == torch.bool:
            blocked = blocked | ~attn_mask
        else:
            infinite = torch.isneginf(attn_mask)
            blocked = blocked | infinite
            scores = scores + attn_mask.masked_fill(infinite, 0.0)
    blocked = blocked.expand(scores.shape)
    weights = F.dropout(masked_softmax(scores, blocked), dropout_p)
    return weights @ value
