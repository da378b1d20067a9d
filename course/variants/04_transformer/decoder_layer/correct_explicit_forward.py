"""Correct alternative: forward spells out every step itself (the attention modules, the
feed-forward linears, the dropouts and the norms) instead of calling the block methods, and
computes each block's output once before the norm's place decides how it is added."""

import torch.nn.functional as F
from torch import nn


class TransformerDecoderLayer(nn.Module):
    """Masked self-attention, attention over the memory and a feed-forward block, each with a
    residual connection and a LayerNorm; like nn.TransformerDecoderLayer."""

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
        attention = dict(dropout=dropout, bias=bias, batch_first=batch_first)
        norm = dict(eps=layer_norm_eps, bias=bias)
        self.self_attn = MultiheadAttention(d_model, nhead, **attention)  # noqa: F821
        self.multihead_attn = MultiheadAttention(d_model, nhead, **attention)  # noqa: F821
        self.linear1 = nn.Linear(d_model, dim_feedforward, bias=bias)
        self.dropout = nn.Dropout(dropout)
        self.linear2 = nn.Linear(dim_feedforward, d_model, bias=bias)
        self.norm_first = norm_first
        self.norm1 = nn.LayerNorm(d_model, **norm)
        self.norm2 = nn.LayerNorm(d_model, **norm)
        self.norm3 = nn.LayerNorm(d_model, **norm)
        self.dropout1 = nn.Dropout(dropout)
        self.dropout2 = nn.Dropout(dropout)
        self.dropout3 = nn.Dropout(dropout)
        self.activation = activation_function(activation)  # noqa: F821

    def self_attention(self, x, attn_mask, key_padding_mask, is_causal):
        out = self.self_attn(x, x, x, key_padding_mask, False, attn_mask, True, is_causal)[0]
        return self.dropout1(out)

    def cross_attention(self, x, memory, attn_mask, key_padding_mask, is_causal):
        out = self.multihead_attn(
            x, memory, memory, key_padding_mask, False, attn_mask, True, is_causal
        )[0]
        return self.dropout2(out)

    def feed_forward(self, x):
        return self.dropout3(self.linear2(self.dropout(self.activation(self.linear1(x)))))

    def forward(
        self,
        tgt,
        memory,
        tgt_mask=None,
        memory_mask=None,
        tgt_key_padding_mask=None,
        memory_key_padding_mask=None,
        tgt_is_causal=False,
        memory_is_causal=False,
    ):
        x = tgt

        h = self.norm1(x) if self.norm_first else x
        h = self.self_attn(
            h,
            h,
            h,
            key_padding_mask=tgt_key_padding_mask,
            need_weights=False,
            attn_mask=tgt_mask,
            is_causal=tgt_is_causal,
        )[0]
        x = x + self.dropout1(h) if self.norm_first else self.norm1(x + self.dropout1(h))

        h = self.norm2(x) if self.norm_first else x
        h = self.multihead_attn(
            h,
            memory,
            memory,
            key_padding_mask=memory_key_padding_mask,
            need_weights=False,
            attn_mask=memory_mask,
            is_causal=memory_is_causal,
        )[0]
        x = x + self.dropout2(h) if self.norm_first else self.norm2(x + self.dropout2(h))

        h = self.norm3(x) if self.norm_first else x
        h = self.linear2(self.dropout(self.activation(self.linear1(h))))
        return x + self.dropout3(h) if self.norm_first else self.norm3(x + self.dropout3(h))
