"""Correct alternative: one helper wraps a block with its residual and its norm, the norm's
place given as an argument; forward calls it twice."""

import torch.nn.functional as F
from torch import nn

ACTIVATIONS = {"relu": F.relu, "gelu": F.gelu}


def activation_function(activation):
    """'relu', 'gelu' or a callable, as the callable."""
    if callable(activation):
        return activation
    if activation not in ACTIVATIONS:
        raise RuntimeError(f"activation should be relu/gelu, not {activation}")
    return ACTIVATIONS[activation]


class TransformerEncoderLayer(nn.Module):
    """Self-attention and a feed-forward block, each with a residual connection and a LayerNorm;
    like nn.TransformerEncoderLayer."""

    def __init__(
        self,
        d_model,
        nhead,
        dim_feedforward=2048,
        dropout=0.1,
        activation=F.relu,
        layer_norm_eps=1e-5,
        batch_first=False,
        norm_first=False,
        bias=True,
    ):
        super().__init__()
        self.self_attn = MultiheadAttention(  # noqa: F821
            d_model, nhead, dropout=dropout, bias=bias, batch_first=batch_first
        )
        self.linear1 = nn.Linear(d_model, dim_feedforward, bias=bias)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(dim_feedforward, d_model, bias=bias)
        self.norm_first = norm_first
        self.norm1 = nn.LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.norm2 = nn.LayerNorm(d_model, eps=layer_norm_eps, bias=bias)
        self.dropout1 = nn.Dropout(dropout)
        self.dropout2 = nn.Dropout(dropout)
        self.activation = activation_function(activation)

    def self_attention(self, x, attn_mask, key_padding_mask, is_causal):
        x = self.self_attn(
            x,
            x,
            x,
            key_padding_mask,
            need_weights=False,
            attn_mask=attn_mask,
            is_causal=is_causal,
        )[0]
        return self.dropout1(x)

    def feed_forward(self, x):
        return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    @staticmethod
    def _residual(x, block, norm, before):
        """x + block(norm(x)) when the norm comes before the block, else norm(x + block(x))."""
        if before:
            return x + block(norm(x))
        return norm(x + block(x))

    def forward(self, src, src_mask=None, src_key_padding_mask=None, is_causal=False):
        def attend(x):
            return self.self_attention(x, src_mask, src_key_padding_mask, is_causal)

        x = self._residual(src, attend, self.norm1, self.norm_first)
        return self._residual(x, self.feed_forward, self.norm2, self.norm_first)
