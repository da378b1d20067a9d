"""Bug: builds num_layers new layers with the given layer's settings instead of copying it,
so every layer starts from its own fresh random values, not the given layer's."""

# ruff: noqa: F821 (TransformerEncoderLayer, TransformerDecoderLayer: earlier lesson cells)

from torch import nn


def layer_settings(layer):
    """The constructor arguments an encoder or decoder layer was built with."""
    return dict(
        d_model=layer.linear1.in_features,
        nhead=layer.self_attn.num_heads,
        dim_feedforward=layer.linear1.out_features,
        dropout=layer.dropout.p,
        activation=layer.activation,
        layer_norm_eps=layer.norm1.eps,
        batch_first=layer.self_attn.batch_first,
        norm_first=layer.norm_first,
        bias=layer.linear1.bias is not None,
    )


class TransformerEncoder(nn.Module):
    """num_layers copies of encoder_layer, one after the other, then an optional norm; like
    nn.TransformerEncoder."""

    def __init__(
        self, encoder_layer, num_layers, norm=None, enable_nested_tensor=True, mask_check=True
    ):
        super().__init__()
        settings = layer_settings(encoder_layer)
        self.layers = nn.ModuleList(type(encoder_layer)(**settings) for _ in range(num_layers))
        self.num_layers, self.norm = num_layers, norm
        self.enable_nested_tensor, self.mask_check = enable_nested_tensor, mask_check

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        x = src
        for layer in self.layers:
            x = layer(x, mask, src_key_padding_mask, bool(is_causal) and mask is not None)
        return x if self.norm is None else self.norm(x)


class TransformerDecoder(nn.Module):
    """num_layers copies of decoder_layer, each reading the memory, then an optional norm; like
    nn.TransformerDecoder."""

    def __init__(self, decoder_layer, num_layers, norm=None):
        super().__init__()
        settings = layer_settings(decoder_layer)
        self.layers = nn.ModuleList(type(decoder_layer)(**settings) for _ in range(num_layers))
        self.num_layers, self.norm = num_layers, norm

    def forward(
        self,
        tgt,
        memory,
        tgt_mask=None,
        memory_mask=None,
        tgt_key_padding_mask=None,
        memory_key_padding_mask=None,
        tgt_is_causal=None,
        memory_is_causal=False,
    ):
        x = tgt
        for layer in self.layers:
            x = layer(
                x,
                memory,
                tgt_mask,
                memory_mask,
                tgt_key_padding_mask,
                memory_key_padding_mask,
                bool(tgt_is_causal) and tgt_mask is not None,
                memory_is_causal,
            )
        return x if self.norm is None else self.norm(x)


class EncoderStack(nn.Module):
    """Your TransformerEncoder of num_layers TransformerEncoderLayer(**layer), with a final
    LayerNorm when final_norm."""

    def __init__(self, num_layers, final_norm=False, **layer):
        super().__init__()
        norm = nn.LayerNorm(layer["d_model"]) if final_norm else None
        self.encoder = TransformerEncoder(
            TransformerEncoderLayer(**layer), num_layers, norm, enable_nested_tensor=False
        )

    def forward(self, src, mask=None, src_key_padding_mask=None, is_causal=None):
        return self.encoder(src, mask, src_key_padding_mask, is_causal)


class DecoderStack(nn.Module):
    """Your TransformerDecoder of num_layers TransformerDecoderLayer(**layer)."""

    def __init__(self, num_layers, final_norm=False, **layer):
        super().__init__()
        norm = nn.LayerNorm(layer["d_model"]) if final_norm else None
        self.decoder = TransformerDecoder(TransformerDecoderLayer(**layer), num_layers, norm)

    def forward(
        self,
        tgt,
        memory,
        tgt_mask=None,
        memory_mask=None,
        tgt_key_padding_mask=None,
        memory_key_padding_mask=None,
        tgt_is_causal=None,
        memory_is_causal=False,
    ):
        return self.decoder(
            tgt,
            memory,
            tgt_mask,
            memory_mask,
            tgt_key_padding_mask,
            memory_key_padding_mask,
            tgt_is_causal,
            memory_is_causal,
        )
