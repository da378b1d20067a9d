"""What the engine can express for chapters 3–5: argument and output trees, keyword arguments
and masks, index inputs, randomness inside a layer, functions and hand-written backwards,
float32 cases, initialisation by distribution, the repr, op families."""

import math
import warnings

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from autograder.checks import Case, CheckFailed, check_function, check_layer

LSTM_OUT = ("output", ("h_n", "c_n"))


def fails(check, *words):
    with pytest.raises(CheckFailed) as info:
        check()
    for word in words:
        assert word in str(info.value), str(info.value)
    return info.value


def lstm_case(shape=(5, 2, 3), **extra):
    return Case(
        init=dict(input_size=3, hidden_size=4, num_layers=2, **extra),
        input=lambda: (torch.randn(shape), (torch.randn(2, 2, 4), torch.randn(2, 2, 4))),
    )


class LSTM(nn.LSTM):
    """torch's LSTM, with a bug chosen by the subclass."""


class DetachedCell(LSTM):
    def forward(self, x, hx=None):
        out, (h, c) = super().forward(x, hx)
        return out, (h, c.detach())


class CellOffByOne(LSTM):
    def forward(self, x, hx=None):
        out, (h, c) = super().forward(x, hx)
        return out, (h, c + 1)


class IgnoresInitialState(LSTM):
    def forward(self, x, hx=None):
        return super().forward(x)


def test_lstm_with_initial_states_passes_and_is_labelled_from_its_arguments(capsys):
    check_layer(
        LSTM, nn.LSTM, [lstm_case(), lstm_case((2, 5, 3), batch_first=True)], outputs=LSTM_OUT
    )
    error = fails(lambda: check_layer(CellOffByOne, nn.LSTM, [lstm_case()], outputs=LSTM_OUT))
    assert "on input of shape (5, 2, 3), hx=((2, 2, 4), (2, 2, 4))" in str(error)
    assert "(custom)" not in str(error)


def test_a_detached_c_n_is_caught_by_name():
    fails(
        lambda: check_layer(DetachedCell, nn.LSTM, [lstm_case()], outputs=LSTM_OUT),
        "c_n does not carry a gradient",
    )


def test_a_wrong_leaf_is_named_and_located():
    fails(
        lambda: check_layer(CellOffByOne, nn.LSTM, [lstm_case()], outputs=LSTM_OUT),
        "c_n differs at [0, 0, 0]",
    )


def test_initial_states_must_be_used_and_get_gradients():
    fails(
        lambda: check_layer(IgnoresInitialState, nn.LSTM, [lstm_case()], outputs=LSTM_OUT),
        "output differs",
    )


def test_only_the_named_arguments_get_gradients():
    class NoStateGradient(LSTM):
        def forward(self, x, hx=None):
            return super().forward(x, tuple(h.detach() for h in hx))

    case = lstm_case()
    fails(lambda: check_layer(NoStateGradient, nn.LSTM, [case]), "no gradient reached hx[0]")
    case.grad = ("input",)
    check_layer(NoStateGradient, nn.LSTM, [case], outputs=LSTM_OUT, quiet=True)


class MultiheadAttention(nn.MultiheadAttention):
    pass


class NoPaddingMask(nn.MultiheadAttention):
    def forward(self, query, key, value, key_padding_mask=None, **kwargs):
        return super().forward(query, key, value, **kwargs)


class AlwaysWeights(nn.MultiheadAttention):
    def forward(self, *args, need_weights=True, **kwargs):
        return super().forward(*args, need_weights=True, **kwargs)


def attention_case():
    def masks():
        padding = torch.zeros(2, 6, dtype=torch.bool)
        padding[0, 4:] = True
        causal = torch.triu(torch.ones(5, 6, dtype=torch.bool), diagonal=1)
        return dict(key_padding_mask=padding, need_weights=False, attn_mask=causal)

    return Case(
        init=dict(embed_dim=8, num_heads=2, batch_first=True),
        input=lambda: (torch.randn(2, 5, 8), torch.randn(2, 6, 8), torch.randn(2, 6, 8)),
        kwargs=masks,
    )


def test_attention_with_masks_and_keyword_arguments():
    out = ("attn_output", "attn_weights")
    check_layer(MultiheadAttention, nn.MultiheadAttention, [attention_case()], outputs=out)
    error = fails(
        lambda: check_layer(NoPaddingMask, nn.MultiheadAttention, [attention_case()], outputs=out),
        "attn_output differs",
    )
    assert "key_padding_mask of shape (2, 6) bool" in str(error)
    assert "need_weights=False" in str(error)
    fails(
        lambda: check_layer(AlwaysWeights, nn.MultiheadAttention, [attention_case()], outputs=out),
        "attn_weights is Tensor, expected None",
    )


class Embedding(nn.Embedding):
    pass


class PaddingGetsGradient(nn.Embedding):
    def forward(self, idx):
        return self.weight[idx]


def test_embedding_takes_an_index_tensor():
    case = Case(
        init=dict(num_embeddings=10, embedding_dim=3, padding_idx=0),
        input=lambda: torch.tensor([[0, 3, 3, 9], [1, 0, 2, 2]]),
    )
    check_layer(Embedding, nn.Embedding, [case])
    error = fails(
        lambda: check_layer(PaddingGetsGradient, nn.Embedding, [case]), "gradient of 'weight'"
    )
    assert "input of shape (2, 4) int64" in str(error)


class GRU(nn.GRU):
    pass


class DropoutNeverOn(nn.GRU):
    def forward(self, x, hx=None):
        self.dropout, kept = 0.0, self.dropout
        try:
            return super().forward(x, hx)
        finally:
            self.dropout = kept


def test_dropout_inside_a_stack_is_judged_by_its_properties():
    case = Case(
        init=dict(input_size=3, hidden_size=4, num_layers=3, dropout=0.5),
        input=(6, 2, 3),
        random=True,
    )
    check_layer(GRU, nn.GRU, [case], outputs=("output", "h_n"))
    fails(
        lambda: check_layer(DropoutNeverOn, nn.GRU, [case]),
        "two runs of this pass under different random seeds gave the same output",
    )


class NormThenDropout(nn.Sequential):
    def __init__(self, num_features=3, p=0.5):
        super().__init__(nn.BatchNorm1d(num_features), nn.Dropout(p))


def test_reruns_of_a_random_pass_leave_running_statistics_alone():
    """torch's layer reruns a random pass more often than a learner's: the reruns must not
    count as training steps, or the running statistics of the next step differ."""
    case = Case(init=dict(num_features=3), input=(8, 3), random=True)
    check_layer(NormThenDropout, NormThenDropout, [case], train_steps=3)


class DropoutAfterLast(nn.GRU):
    def forward(self, x, hx=None):
        output, h_n = super().forward(x, hx)
        return F.dropout(output, self.dropout, self.training), h_n


class DropoutOnInput(nn.GRU):
    def forward(self, x, hx=None):
        return super().forward(F.dropout(x, self.dropout, self.training), hx)


class OwnDraws(nn.GRU):
    """Correct, but its masks are not torch's: it draws a number of its own first."""

    def forward(self, x, hx=None):
        torch.rand(3)
        return super().forward(x, hx)


def last_step_gap(out):
    """output[-1] - h_n[-1]: zero when no dropout follows a stack's last layer."""
    output, h_n = out
    return output[-1] - h_n[-1]


def test_dropout_in_the_wrong_place_is_caught_by_what_dropout_cannot_reach():
    case = Case(
        init=dict(input_size=3, hidden_size=4, num_layers=2, dropout=0.5),
        input=(6, 2, 3),
        random=True,
        invariants={"output[-1] - h_n[-1]": last_step_gap},
    )
    check_layer(GRU, nn.GRU, [case], outputs=("output", "h_n"), quiet=True)
    check_layer(OwnDraws, nn.GRU, [case], outputs=("output", "h_n"), quiet=True)
    fails(
        lambda: check_layer(DropoutAfterLast, nn.GRU, [case], outputs=("output", "h_n")),
        "output[-1] - h_n[-1]",
        "[train mode, step 1]",
    )
    fails(
        lambda: check_layer(DropoutOnInput, nn.GRU, [case], outputs=("output", "h_n")),
        "h_n[0], which torch's random draws do not change",
    )


class Silent(nn.GRU):
    def __init__(self, *args, **kwargs):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            super().__init__(*args, **kwargs)


@pytest.mark.filterwarnings("ignore:dropout option adds dropout")
def test_a_warning_torch_gives_at_construction_is_expected():
    case = Case(init=dict(input_size=3, hidden_size=4, dropout=0.5), input=(6, 2, 3), random=True)
    check_layer(GRU, nn.GRU, [case], quiet=True)
    fails(
        lambda: check_layer(Silent, nn.GRU, [case]),
        "torch's constructor warns here (UserWarning: dropout option adds dropout",
        "warnings.warn",
    )


class Square(torch.autograd.Function):
    @staticmethod
    def forward(x):
        return x * x

    @staticmethod
    def setup_context(ctx, inputs, output):
        ctx.save_for_backward(inputs[0])

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 2 * x * grad


class WrongSquare(Square):
    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return 2 * x * grad + 1e-3


def square(x):
    return Square.apply(x)


def wrong_square(x):
    return WrongSquare.apply(x)


def test_a_custom_autograd_function_is_gradchecked():
    cases = [Case(input=(3, 4))]
    check_function(square, torch.square, cases, gradcheck=True, gradgradcheck=True)
    fails(lambda: check_function(wrong_square, torch.square, cases), "gradient of x differs")
    error = fails(
        lambda: check_function(wrong_square, wrong_square, cases, gradcheck=True),
        "torch.autograd.gradcheck says your backward disagrees with finite differences",
        "Jacobian mismatch",
    )
    assert error.reason == "gradcheck"


def naive_softmax(input, dim):
    e = input.exp()
    return e / e.sum(dim, keepdim=True)


def test_a_float32_case_catches_what_float64_hides():
    big = dict(input=lambda: 100 * torch.randn(4, 10), kwargs=dict(dim=-1))
    check_function(naive_softmax, F.softmax, [Case(**big)])  # exp(±400) fits in float64
    error = fails(
        lambda: check_function(naive_softmax, F.softmax, [Case(**big, dtype=torch.float32)]),
        "output differs",
        "in float32",
    )
    assert "nan" in str(error)


class Linear(nn.Linear):
    pass


class BiasFirst(nn.Linear):
    def reset_parameters(self):
        bound = 1 / math.sqrt(self.in_features)
        nn.init.uniform_(self.bias, -bound, bound)
        nn.init.uniform_(self.weight, -bound, bound)


class TooWide(nn.Linear):
    def reset_parameters(self):
        nn.init.uniform_(self.weight, -1, 1)
        nn.init.uniform_(self.bias, -1, 1)


def test_initialisation_exact_or_by_distribution():
    case = Case(init=dict(in_features=64, out_features=32), input=(2, 64))
    fails(lambda: check_layer(BiasFirst, nn.Linear, [case]), "initial 'weight' differs")
    check_layer(BiasFirst, nn.Linear, [case], init="distribution")
    fails(
        lambda: check_layer(TooWide, nn.Linear, [case], init="distribution"),
        "initial 'weight' is not drawn like torch's",
    )


class PlainLinear(nn.Module):
    def __init__(self, in_features, out_features, bias=True):
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        self.weight = nn.Parameter(torch.empty(out_features, in_features))
        self.bias = nn.Parameter(torch.empty(out_features)) if bias else None
        nn.Linear.reset_parameters(self)

    def forward(self, x):
        return F.linear(x, self.weight, self.bias)


def test_the_repr_can_be_compared():
    case = Case(init=dict(in_features=4, out_features=3), input=(2, 4))
    check_layer(Linear, nn.Linear, [case], compare_repr=True)
    PlainLinear.__name__ = "Linear"
    check_layer(PlainLinear, nn.Linear, [case])
    fails(lambda: check_layer(PlainLinear, nn.Linear, [case], compare_repr=True), "repr(layer)")


class NoWriteBack(nn.Embedding):
    """max_norm applied to the looked-up rows, but never written back into the weight."""

    def forward(self, idx):
        rows = self.weight[idx]
        norms = rows.detach().norm(dim=-1, keepdim=True)
        scale = torch.where(norms > self.max_norm, self.max_norm / (norms + 1e-7), 1.0)
        return rows.detach() * scale + (rows - rows.detach())  # torch's values and gradient


def test_parameters_changed_in_place_are_compared_after_the_pass():
    case = Case(
        init=dict(num_embeddings=6, embedding_dim=4, max_norm=1.0),
        input=lambda: torch.tensor([[0, 2], [2, 5]]),
    )
    check_layer(Embedding, nn.Embedding, [case], quiet=True)
    fails(
        lambda: check_layer(NoWriteBack, nn.Embedding, [case]),
        "parameter 'weight' after the pass differs",
    )


class FrozenIgnored(nn.Embedding):
    @classmethod
    def from_pretrained(cls, embeddings, freeze=True, **kwargs):
        return super().from_pretrained(embeddings, freeze=False, **kwargs)


def test_a_case_can_build_through_a_class_method():
    case = Case(
        init=dict(embeddings=torch.randn(5, 3), freeze=True),
        input=lambda: torch.tensor([1, 4, 4]),
        build="from_pretrained",
    )
    check_layer(Embedding, nn.Embedding, [case], quiet=True)
    error = fails(lambda: check_layer(FrozenIgnored, nn.Embedding, [case]), "requires_grad=True")
    assert "FrozenIgnored.from_pretrained(embeddings=<tensor of shape (5, 3)>" in str(error)


def plain_square(x):
    return x * x


def test_a_backward_must_come_from_an_autograd_function_when_asked():
    cases = [Case(input=(3, 4))]
    check_function(square, torch.square, cases, autograd_function=True)
    check_function(plain_square, torch.square, cases)  # right values and gradients...
    error = fails(  # ...but autograd wrote its backward
        lambda: check_function(plain_square, torch.square, cases, autograd_function=True),
        "not made by a torch.autograd.Function",
    )
    assert error.reason == "no-custom-backward"


def parameters_of_children(model):
    return sum(p.numel() for child in model.children() for p in child.parameters())


def all_parameters(model):
    return sum(p.numel() for p in model.parameters())


def output_width(model, x):
    return model(x).shape[-1]


def test_a_case_can_pass_a_model_built_on_both_sides():
    from lessonkit import models

    just = [Case(model=models.parent_owned, input=lambda: ())]
    check_function(all_parameters, all_parameters, just)
    fails(  # the parent's own scale is left out
        lambda: check_function(parameters_of_children, all_parameters, just),
        "parameters_of_children(parent_owned()): output is 30, expected 35",
    )
    with_input = [Case(model=models.mlp, input=(3, 4))]
    check_function(output_width, output_width, with_input)
    fails(
        lambda: check_function(output_width, lambda model, x: 3, with_input),
        "output_width(mlp(), x of shape (3, 4)): output is 2, expected 3",
    )


class TableNotSaved(nn.Module):
    """A table the constructor computes, kept as a non-persistent buffer."""

    def __init__(self, n=4):
        super().__init__()
        self.n = n
        self.register_buffer("table", torch.arange(n, dtype=torch.float64), persistent=False)

    def forward(self, x):
        return x * self.table

    def extra_repr(self):
        return f"n={self.n}"


class TableOffByOne(TableNotSaved):
    def __init__(self, n=4):
        super().__init__(n)
        self.table += 1


class TableUnnamed(TableNotSaved):
    def extra_repr(self):
        return str(self.n)


def test_non_persistent_buffers_keep_the_values_their_constructor_gives():
    case = Case(init=dict(n=4), input=(2, 4))
    check_layer(TableNotSaved, TableNotSaved, [case])  # no state_dict could carry a random table
    fails(lambda: check_layer(TableOffByOne, TableNotSaved, [case]), "output differs")


def test_a_reference_from_a_test_cell_gives_its_repr_under_the_learners_name():
    case = Case(init=dict(n=4), input=(2, 4))
    learner = type("Table", (TableNotSaved,), {})
    check_layer(learner, TableNotSaved, [case], compare_repr=True)
    unnamed = type("Table", (TableUnnamed,), {})
    fails(
        lambda: check_layer(unnamed, TableNotSaved, [case], compare_repr=True),
        "repr(layer) is 'Table(4)', expected 'Table(n=4)'",
    )
