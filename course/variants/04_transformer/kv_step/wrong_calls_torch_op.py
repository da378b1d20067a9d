"""Bug: calls the torch op it should build on (F.scaled_dot_product_attention) instead of your
scaled_dot_product_attention."""

import torch
import torch.nn.functional as F


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
    q, k, v = F.linear(x, in_proj_weight, in_proj_bias).chunk(3, dim=-1)
    q, k, v = (t.reshape(N, T, num_heads, E // num_heads).transpose(1, 2) for t in (q, k, v))
    if past_key is not None:
        k, v = torch.cat([past_key, k], dim=2), torch.cat([past_value, v], dim=2)
    past = k.size(2) - T
    allowed = torch.ones(T, past + T, dtype=torch.bool, device=x.device).tril(past)
    out = F.scaled_dot_product_attention(q, k, v, attn_mask=allowed)
    out = F.linear(out.transpose(1, 2).reshape(N, T, E), out_proj_weight, out_proj_bias)
    return out, k, v
