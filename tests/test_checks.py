"""The check engine on its own: torch's layers pass, broken ones fail with useful messages."""

import pytest
import torch
import torch.nn.functional as F
from torch import nn

from autograder.checks import Case, CheckFailed, assert_close, check_dropout, check_layer, trace_ops


def named(cls, name):
    cls.__name__ = name
    return cls


def fails(check, *words):
    """Run a check that must fail; return its message after checking it names ``words``."""
    with pytest.raises(CheckFailed) as info:
        check()
    message = str(info.value)
    for word in words:
        assert word in message, message
    return message


def test_torch_layers_pass_against_themselves():
    check_layer(nn.LayerNorm, nn.LayerNorm, [Case(dict(normalized_shape=(3, 4)), (2, 3, 4))])
    check_layer(nn.BatchNorm1d, nn.BatchNorm1d, [Case(dict(num_features=3, momentum=None), (5, 3))])
    check_dropout(nn.Dropout, nn.Dropout, [Case(dict(p=0.25), (32, 8, 4))])
    check_dropout(nn.Dropout2d, nn.Dropout2d, [Case(dict(p=0.5), (32, 16, 3, 3))])
    check_dropout(nn.Dropout3d, nn.Dropout3d, [Case(dict(p=0.4), (64, 2, 3, 3))])


def test_output_mismatch_names_case_index_values_tolerance_and_hint():
    EpsOutside = named(
        type(
            "X",
            (nn.LayerNorm,),
            {
                "forward": lambda self, x: (
                    (x - x.mean(-1, keepdim=True))
                    / (x.var(-1, unbiased=False, keepdim=True).sqrt() + self.eps)
                    * self.weight
                    + self.bias
                )
            },
        ),
        "LayerNorm",
    )
    case = Case(dict(normalized_shape=4, eps=0.5), (2, 4), hint="eps goes inside the square root.")
    message = fails(
        lambda: check_layer(EpsOutside, nn.LayerNorm, [case]),
        "LayerNorm(normalized_shape=4, eps=0.5) on input of shape (2, 4)",
        "output differs at [",
        "expected",
        "got",
        "max error",
        "Hint: eps goes inside the square root.",
    )
    assert "train mode, step 1" in message


def test_forbidden_op_is_caught_at_either_level():
    class Calls(nn.LayerNorm):
        def forward(self, x):
            return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    case = [Case(dict(normalized_shape=4), (2, 4))]
    for forbidden in (["aten.native_layer_norm"], ["torch.nn.functional.layer_norm"]):
        fails(
            lambda f=forbidden: check_layer(named(Calls, "LayerNorm"), nn.LayerNorm, case, f),
            "called",
            forbidden[0],
        )


def test_trace_ops_sees_function_and_aten_names():
    with trace_ops() as seen:
        torch.randn(3, 4).flatten()
    assert "torch.Tensor.flatten" in seen and "aten.randn" in seen


def test_wrong_parameter_names_are_reported():
    class Renamed(nn.Module):
        def __init__(self, normalized_shape):
            super().__init__()
            self.gamma = nn.Parameter(torch.ones(normalized_shape))
            self.beta = nn.Parameter(torch.zeros(normalized_shape))

        def forward(self, x):
            return x

    fails(
        lambda: check_layer(
            named(Renamed, "LayerNorm"), nn.LayerNorm, [Case(dict(normalized_shape=4), (2, 4))]
        ),
        "parameters are named ['beta', 'gamma']",
        "missing ['bias', 'weight']",
    )


def test_running_statistics_are_compared_after_training_steps():
    class Backwards(nn.BatchNorm1d):
        def forward(self, x):
            self.momentum = 0.9  # the new batch weighs 0.9 instead of 0.1
            return super().forward(x)

    fails(
        lambda: check_layer(
            named(Backwards, "BatchNorm1d"), nn.BatchNorm1d, [Case(dict(num_features=3), (6, 3))]
        ),
        "after 1 training step(s)",
        "buffer 'running_mean'",
    )


def test_eval_mode_is_checked():
    class AlwaysTrain(nn.BatchNorm1d):
        def forward(self, x):
            self.training = True
            return super().forward(x)

    fails(
        lambda: check_layer(
            named(AlwaysTrain, "BatchNorm1d"),
            nn.BatchNorm1d,
            [Case(dict(num_features=3, momentum=None), (6, 3))],
            train_steps=1,
        ),
        "eval mode",
    )


def test_gradients_are_compared():
    class NoGradThroughStats(nn.LayerNorm):
        def forward(self, x):
            mean = x.mean(-1, keepdim=True).detach()
            var = x.var(-1, unbiased=False, keepdim=True).detach()
            return (x - mean) / (var + self.eps).sqrt() * self.weight + self.bias

    fails(
        lambda: check_layer(
            named(NoGradThroughStats, "LayerNorm"),
            nn.LayerNorm,
            [Case(dict(normalized_shape=5), (3, 5))],
        ),
        "gradient of input differs",
    )


def test_exceptions_in_learner_code_become_check_failures():
    class Broken(nn.Module):
        def __init__(self, normalized_shape):
            super().__init__()
            raise NotImplementedError()

    fails(
        lambda: check_layer(
            named(Broken, "LayerNorm"), nn.LayerNorm, [Case(dict(normalized_shape=5), (3, 5))]
        ),
        "could not be built: NotImplementedError",
    )


def masked(mask_of):
    """A dropout forward that applies ``mask_of(self, x)`` in train mode only."""
    return lambda self, x: mask_of(self, x) if self.training else x


@pytest.mark.parametrize(
    "forward, words",
    [
        (masked(lambda self, x: x * (torch.rand_like(x) >= self.p)), "scale the kept values"),
        (lambda self, x: x * (torch.rand_like(x) >= self.p) / (1 - self.p), "eval mode"),
        (
            masked(lambda self, x: x * (torch.rand_like(x[:, :, :1]) >= self.p) / (1 - self.p)),
            "keeps or drops larger blocks than torch's units",
        ),
        (
            masked(lambda self, x: x * (torch.rand_like(x) >= 2 * self.p) / (1 - self.p)),
            "dropped 0.6",
        ),
    ],
)
def test_dropout_properties_reject_typical_mistakes(forward, words):
    Wrong = named(type("W", (nn.Dropout,), {"forward": forward}), "Dropout")
    fails(lambda: check_dropout(Wrong, nn.Dropout, [Case(dict(p=0.3), (64, 8, 6))]), words)


def per_map(self, x, kept_dims):
    """Dropout deciding once per index of x's first ``kept_dims`` dims."""
    mask = torch.rand(x.shape[:kept_dims] + (1,) * (x.dim() - kept_dims)) >= self.p
    return x * mask / (1 - self.p)


@pytest.mark.parametrize(
    "torch_layer, forward, shape, words",
    [
        (nn.Dropout2d, masked(lambda self, x: per_map(self, x, 4)), (32, 16, 3, 3), "partly"),
        (nn.Dropout2d, masked(lambda self, x: per_map(self, x, 1)), (32, 16, 3, 3), "larger"),
        (nn.Dropout3d, masked(lambda self, x: per_map(self, x, 2)), (64, 2, 3, 3), "partly"),
        (nn.Dropout3d, masked(lambda self, x: per_map(self, x, 3)), (16, 8, 2, 2, 2), "partly"),
    ],
)
def test_dropout_units_are_torchs(torch_layer, forward, shape, words):
    """What torch keeps or drops whole (a map, a channel of one volume) is the learner's unit."""
    Wrong = named(type("W", (torch_layer,), {"forward": forward}), torch_layer.__name__)
    fails(lambda: check_dropout(Wrong, torch_layer, [Case(dict(p=0.4), shape)]), words)


def test_assert_close_handles_tuples_and_shapes():
    assert_close((torch.ones(2), None), (torch.ones(2), None), "here")
    fails(lambda: assert_close(torch.ones(3), torch.ones(2), "here"), "shape (3,)", "(2,)")
    fails(
        lambda: assert_close((torch.ones(2),), (torch.ones(2), torch.ones(2)), "here"), "tuple of 2"
    )


def test_a_failed_check_shows_the_learners_frames_in_a_kernel_never_the_engines():
    """In a real kernel (JupyterLab's), the error output keeps the cell and the message only."""
    import nbformat
    from nbclient import NotebookClient

    notebook = nbformat.v4.new_notebook(
        cells=[
            nbformat.v4.new_code_cell(
                "import torch\nfrom torch import nn\n"
                "from autograder.checks import Case, check_layer\n"
                "class Flatten(nn.Module):\n    def forward(self, x):\n        return x\n"
            ),
            nbformat.v4.new_code_cell("check_layer(Flatten, nn.Flatten, [Case({}, (2, 3, 4))])"),
        ]
    )
    NotebookClient(notebook, allow_errors=True, kernel_name="python3", timeout=120).execute()
    (error,) = notebook.cells[1].outputs
    shown = "\n".join(error.traceback)
    assert error.ename == "CheckFailed"
    assert "output has shape (2, 3, 4), expected (2, 12)" in shown
    assert "check_layer(Flatten" in shown  # the learner's own line
    assert "autograder" not in shown and "core.py" not in shown, shown
