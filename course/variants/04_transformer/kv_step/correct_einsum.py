"""Correct alternative: the projections written with torch.einsum on the weights viewed per head,
in_proj_weight (3E, E) as (3, h, E/h, E) and out_proj_weight (E, E) as (E, h, E/h), so the split
into heads and the merge back need no reshape of the activations."""

import torch


def self_attention_step(
    x,
    past_key,
    past_value,
    in_proj_weight,
    in_proj_bias,
    out_proj_weight,
    out_proj_bias,
    num_heads,
):
    """Causal self-attention of new tokens x (N, T, E) over the cached keys and values of the
    earlier tokens (N, h, P, E/h) or None, and over themselves; returns (output, keys, values)
    with the cache grown by the T new tokens."""
    N, T, E = x.shape
    head_dim = E // num_heads
    weight = in_proj_weight.view(3, num_heads, head_dim, E)
    q, k, v = torch.einsum("nte,chde->cnhtd", x, weight)
    if in_proj_bias is not None:
        bias = in_proj_bias.view(3, 1, num_heads, 1, head_dim)
        q, k, v = (t + b for t, b in zip((q, k, v), bias))
    if past_key is not None:
        k, v = torch.cat([past_key, k], dim=-2), torch.cat([past_value, v], dim=-2)
    past = k.size(-2) - T
    allowed = torch.ones(T, past + T, dtype=torch.bool, device=x.device).tril(past)
    out = scaled_dot_product_attention(q, k, v, attn_mask=allowed)  # noqa: F821
    out = torch.einsum("nhtd,fhd->ntf", out, out_proj_weight.view(E, num_heads, head_dim))
    if out_proj_bias is not None:
        out = out + out_proj_bias
    return out, k, v
