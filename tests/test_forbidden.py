"""The catalogue of forbidden ops: every name in it is real, every family catches a learner who
merely wraps the torch layer it is about (on the device at hand), and no family forbids a
primitive that a correct solution is built from."""

import functools
import re

import pytest
import torch
from torch import nn
from torch.overrides import resolve_name

from autograder.checks import DEVICE
from autograder.checks.forbidden import FAMILIES, expand
from autograder.checks.guard import forbidden_calls, trace_ops

# every aten op torch was built with, CUDA's included, whatever the machine has
ATEN_OPS = {
    name.split("::", 1)[1].split(".", 1)[0]
    for name in torch._C._dispatch_get_all_op_names()
    if name.startswith("aten::")
}

# the building blocks of correct solutions: no family may forbid them
PRIMITIVES = {
    "aten.addmm", "aten.bmm", "aten.cat", "aten.einsum", "aten.index", "aten.linear",
    "aten.matmul", "aten.mean", "aten.mm", "aten.relu", "aten.reshape", "aten.sigmoid",
    "aten.softmax", "aten._softmax", "aten.sum", "aten.tanh", "aten.unfold", "aten.var",
    "aten.var_mean", "aten.view", "aten.where", "torch.Tensor.softmax", "torch.Tensor.unfold",
    "torch.matmul", "torch.nn.functional.linear", "torch.nn.functional.relu",
    "torch.nn.functional.softmax", "torch.softmax",
}  # fmt: skip


# layers whose aten ops are all primitives: only their torch function gives them away
PRIMITIVES_ONLY = {"LocalResponseNorm", "MultiheadAttention"}


def x(*shape):
    return torch.randn(*shape, device=DEVICE)


def learner(layer, *args, **kwargs):
    """A learner's class that merely wraps the torch layer: ``class LSTM(nn.LSTM): pass``."""
    return type(layer.__name__, (layer,), {})(*args, **kwargs).to(DEVICE)


class Attention(nn.Module):
    """A learner's attention that hands the work to torch."""

    def __init__(self, is_causal=False):
        super().__init__()
        self.is_causal = is_causal

    def forward(self, q, k, v):
        return nn.functional.scaled_dot_product_attention(q, k, v, is_causal=self.is_causal)


def mha():
    return learner(nn.MultiheadAttention, 8, 2, batch_first=True)


def encoder_layer():
    return learner(nn.TransformerEncoderLayer, 8, 2, dim_feedforward=16, batch_first=True)


# family -> ways to build (learner, *inputs), each a layer the family is about
CASES = {
    "flatten": [lambda: (learner(nn.Flatten), x(2, 3, 4))],
    "dropout": [
        lambda: (learner(nn.Dropout), x(4, 5)),
        lambda: (learner(nn.Dropout, inplace=True), x(4, 5)),
        lambda: (learner(nn.Dropout1d), x(2, 3, 4)),
        lambda: (learner(nn.Dropout2d), x(2, 3, 4, 4)),
        lambda: (learner(nn.Dropout3d), x(2, 3, 2, 2, 2)),
        lambda: (learner(nn.AlphaDropout), x(4, 5)),
        lambda: (learner(nn.FeatureAlphaDropout), x(2, 3, 4, 4)),
    ],
    "threshold": [
        lambda: (learner(nn.Threshold, 0.1, 20.0), x(3, 5)),
        lambda: (learner(nn.Threshold, 0.1, 20.0, inplace=True), x(3, 5)),
    ],
    "padding": [
        lambda: (learner(nn.ConstantPad2d, 1, 3.5), x(2, 3, 4)),
        lambda: (learner(nn.ZeroPad2d, (1, 0, -1, 2)), x(2, 3, 4)),
        lambda: (learner(nn.ReplicationPad1d, 2), x(2, 3, 5)),
        lambda: (learner(nn.ReplicationPad3d, 1), x(1, 2, 3, 3, 3)),
        lambda: (learner(nn.ReflectionPad2d, 1), x(1, 2, 4, 4)),
        lambda: (learner(nn.CircularPad2d, 1), x(1, 2, 4, 4)),
    ],
    "normalization": [
        lambda: (learner(nn.BatchNorm1d, 4), x(8, 4)),
        lambda: (learner(nn.BatchNorm2d, 3), x(4, 3, 2, 2)),
        lambda: (learner(nn.BatchNorm2d, 3).eval(), x(4, 3, 2, 2)),
        lambda: (learner(nn.InstanceNorm2d, 3, track_running_stats=True), x(2, 3, 4, 4)),
        lambda: (learner(nn.LayerNorm, 6), x(4, 6)),
        lambda: (learner(nn.GroupNorm, 2, 4), x(3, 4, 5)),
        lambda: (learner(nn.RMSNorm, 6), x(4, 6)),
        lambda: (learner(nn.LocalResponseNorm, 2), x(2, 4, 3, 3)),
    ],
    "convolution": [
        lambda: (learner(nn.Conv1d, 3, 4, 3), x(2, 3, 8)),
        lambda: (learner(nn.Conv2d, 2, 3, 3, padding="same"), x(2, 2, 5, 5)),
        lambda: (learner(nn.Conv2d, 4, 4, 3, groups=4), x(2, 4, 5, 5)),
        lambda: (learner(nn.Conv3d, 2, 3, 2), x(1, 2, 3, 4, 4)),
        lambda: (learner(nn.ConvTranspose1d, 2, 3, 3, stride=2), x(1, 2, 4)),
        lambda: (learner(nn.ConvTranspose2d, 2, 3, 3, stride=2), x(1, 2, 3, 3)),
        lambda: (learner(nn.ConvTranspose3d, 2, 3, 2, stride=2), x(1, 2, 2, 2, 2)),
    ],
    "pooling": [
        lambda: (learner(nn.MaxPool1d, 2), x(2, 3, 8)),
        lambda: (learner(nn.MaxPool2d, 2, return_indices=True), x(2, 3, 6, 6)),
        lambda: (learner(nn.MaxPool3d, 2), x(1, 2, 4, 4, 4)),
        lambda: (learner(nn.AvgPool1d, 2), x(2, 3, 8)),
        lambda: (learner(nn.AvgPool2d, 2), x(2, 3, 6, 6)),
        lambda: (learner(nn.AvgPool3d, 2), x(1, 2, 4, 4, 4)),
        lambda: (learner(nn.AdaptiveAvgPool1d, 3), x(2, 3, 7)),
        lambda: (learner(nn.AdaptiveAvgPool2d, 1), x(2, 3, 4, 4)),
        lambda: (learner(nn.AdaptiveAvgPool3d, 2), x(1, 2, 5, 5, 5)),
        lambda: (learner(nn.AdaptiveMaxPool1d, 3), x(2, 3, 7)),
        lambda: (learner(nn.AdaptiveMaxPool2d, 2), x(2, 3, 5, 5)),
        lambda: (learner(nn.AdaptiveMaxPool3d, 2), x(1, 2, 5, 5, 5)),
        lambda: (learner(nn.FractionalMaxPool2d, 2, output_size=3), x(1, 2, 7, 7)),
        lambda: (learner(nn.FractionalMaxPool3d, 2, output_size=2), x(1, 2, 5, 5, 5)),
        lambda: (learner(nn.LPPool2d, 2, 2), x(2, 3, 4, 4)),
    ],
    "upsampling": [
        lambda: (learner(nn.Upsample, scale_factor=2), x(1, 2, 3, 3)),
        lambda: (learner(nn.Upsample, scale_factor=2, mode="nearest-exact"), x(1, 2, 3, 3)),
        lambda: (learner(nn.Upsample, scale_factor=2, mode="bilinear"), x(1, 2, 3, 3)),
        lambda: (learner(nn.Upsample, scale_factor=2, mode="bicubic"), x(1, 2, 3, 3)),
        lambda: (learner(nn.Upsample, scale_factor=2, mode="linear"), x(1, 2, 3)),
        lambda: (learner(nn.Upsample, scale_factor=2, mode="trilinear"), x(1, 1, 2, 2, 2)),
        lambda: (learner(nn.UpsamplingBilinear2d, scale_factor=2), x(1, 2, 3, 3)),
    ],
    "fold_unfold": [
        lambda: (learner(nn.Unfold, 2), x(1, 2, 4, 4)),
        lambda: (learner(nn.Fold, 4, 2), x(1, 8, 9)),
    ],
    "recurrent": [
        lambda: (learner(nn.RNN, 3, 4), x(5, 2, 3)),
        lambda: (learner(nn.RNN, 3, 4, nonlinearity="relu"), x(5, 2, 3)),
        lambda: (learner(nn.LSTM, 3, 4), x(5, 2, 3)),
        lambda: (learner(nn.LSTM, 3, 4, batch_first=True, bidirectional=True), x(2, 5, 3)),
        lambda: (learner(nn.GRU, 3, 4, num_layers=2), x(5, 2, 3)),
        lambda: (learner(nn.RNNCell, 3, 4), x(2, 3)),
        lambda: (learner(nn.LSTMCell, 3, 4), x(2, 3)),
        lambda: (learner(nn.GRUCell, 3, 4), x(2, 3)),
    ],
    "embedding": [
        lambda: (learner(nn.Embedding, 5, 3), torch.tensor([[1, 2], [0, 4]], device=DEVICE)),
        lambda: (
            learner(nn.Embedding, 5, 3, max_norm=1.0),
            torch.tensor([1, 2, 2], device=DEVICE),
        ),
        lambda: (learner(nn.EmbeddingBag, 5, 3), torch.tensor([[1, 2], [0, 4]], device=DEVICE)),
    ],
    "attention": [
        lambda: (Attention(), x(2, 4, 5, 8), x(2, 4, 5, 8), x(2, 4, 5, 8)),
        lambda: (Attention(is_causal=True), x(2, 5, 8), x(2, 5, 8), x(2, 5, 8)),
        lambda: (mha(), x(2, 5, 8), x(2, 5, 8), x(2, 5, 8)),
    ],
    "transformer": [
        lambda: (Attention(), x(2, 4, 5, 8), x(2, 4, 5, 8), x(2, 4, 5, 8)),
        lambda: (encoder_layer(), x(2, 5, 8)),
        lambda: (encoder_layer().eval(), x(2, 5, 8)),
        lambda: (
            learner(nn.TransformerDecoderLayer, 8, 2, dim_feedforward=16, batch_first=True),
            x(2, 5, 8),
            x(2, 3, 8),
        ),
    ],
}

# torch's fused fast paths (eval, no grad, batch_first): has_torch_function turns them off, so
# they run only when the torch-function recorder is off and the profiler alone watches
FAST_PATHS = [
    pytest.param("attention", mha, "aten._native_multi_head_attention", id="attention"),
    pytest.param(
        "transformer", encoder_layer, "aten._transformer_encoder_layer_fwd", id="transformer"
    ),
]


def torch_attribute(name):
    return functools.reduce(getattr, name.split(".")[1:], torch)


@pytest.mark.parametrize("family", FAMILIES)
def test_every_name_is_a_real_op(family):
    names = FAMILIES[family]
    assert len(set(names)) == len(names), f"{family} repeats a name"
    missing = []
    for name in names:
        if name.startswith("aten."):
            if name.removeprefix("aten.") not in ATEN_OPS:
                missing.append(name)
        elif not name.startswith("torch."):
            missing.append(name)
        else:  # a real attribute, and spelled as the trace spells it
            try:
                spelled = resolve_name(torch_attribute(name))
            except AttributeError:
                spelled = None
            if spelled != name:
                missing.append(f"{name} (the trace sees {spelled})")
    assert not missing, f"{family}: {missing}"


def test_no_family_forbids_a_primitive():
    for family, names in FAMILIES.items():
        assert not PRIMITIVES & set(names), family
    # a transformer is built from linear layers, softmax and layer norm
    normalization = set(FAMILIES["normalization"])
    assert not normalization & set(expand(["attention", "transformer"]))


@pytest.mark.parametrize("family", FAMILIES)
def test_family_catches_the_torch_layer(family):
    """Caught by name, and by an aten op too (the profiler half of the trace, which watches
    every thread), except where torch builds the layer from primitives alone."""
    missed = []
    for build in CASES[family]:
        layer, *inputs = build()
        with trace_ops() as seen:
            layer(*inputs)
        called = forbidden_calls(seen, expand(family))
        aten = [name for name in called if name.startswith("aten.")]
        if not called or not (aten or type(layer).__name__ in PRIMITIVES_ONLY):
            missed.append(f"{layer}: {sorted(seen)}")
    assert not missed, "\n".join(missed)


@pytest.mark.parametrize("family, build, fused", FAST_PATHS)
def test_family_catches_the_fused_fast_path(family, build, fused):
    layer, inputs = build().eval(), x(2, 5, 8)
    args = (inputs, inputs, inputs) if isinstance(layer, nn.MultiheadAttention) else (inputs,)
    with torch.no_grad(), trace_ops() as seen, torch._C.DisableTorchFunction():
        layer(*args)
    assert fused in seen, "torch did not take its fast path"
    assert fused in forbidden_calls(seen, expand(family))


def test_every_family_has_cases():
    assert set(CASES) == set(FAMILIES)


def test_lessons_name_known_families(root):
    for lesson in sorted((root / "course").glob("*.md")):
        for family in re.findall(r'forbidden="([a-z_]+)"', lesson.read_text()):
            assert family in FAMILIES, f"{lesson.name}: {family}"


def test_expand():
    pooling = FAMILIES["pooling"]
    assert expand("pooling") == list(pooling)
    assert expand("aten.mm") == ["aten.mm"]
    assert expand(["aten.mm"]) == ["aten.mm"]
    mixed = expand(("pooling", "aten.mean", "aten.avg_pool2d", "pooling", "aten.mean"))
    assert mixed == [*pooling, "aten.mean"]
    both = expand(["attention", "transformer"])
    assert both == expand("transformer") and len(set(both)) == len(both)
