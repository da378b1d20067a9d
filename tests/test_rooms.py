"""The package's rooms: what imports torch and what must not, and what shipped code reads."""

import ast
import re
import subprocess
import sys

from autograder.channel import (
    ChannelError,
    decode,
    encode,
    functions_by_import,
    functions_by_name,
)
from autograder.checks import Case, Remote, check_layer
from autograder.checks.runners import RUNNERS

IMPORT_ALL = """
import importlib, pkgutil, sys
import autograder, autograder.build, autograder.grading
names = ["autograder.__main__", "autograder.channel", "autograder.nbgrader_cli"]
for room in (autograder.build, autograder.grading):
    names += [f"{room.__name__}.{m.name}" for m in pkgutil.iter_modules(room.__path__)]
for name in names:
    importlib.import_module(name)
print(len(names), sorted(m for m in sys.modules if m.split(".")[0] == "torch")[:3])
"""


def test_build_and_grading_modules_do_not_import_torch():
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_ALL], capture_output=True, text=True, check=True
    )
    count, torch_modules = done.stdout.split(" ", 1)
    assert int(count) >= 12 and torch_modules.strip() == "[]", done.stdout


def test_the_checks_room_imports_only_torch_and_the_standard_library(root):
    allowed = set(sys.stdlib_module_names) | {"torch"}
    for path in sorted((root / "autograder" / "checks").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                tops = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                tops = [node.module.split(".")[0]]
            else:
                continue
            for top in tops:
                assert top in allowed, f"{path.name} imports {top}"


def test_shipped_code_does_not_reach_into_tests(root):
    for path in sorted((root / "autograder").rglob("*.py")) + sorted((root / "bench").glob("*.py")):
        text = path.read_text()
        assert not re.search(r"sys\.path\.(insert|append)", text), f"{path} changes sys.path"
        if path.parts[-2] != "bench":
            assert '"tests"' not in text and "tests/" not in text, f"{path} reads tests/"


def through_the_channel(cls):
    """A Remote whose plans and records cross the real wire format, as they do in grading."""

    def runner(name, kind, plan):
        sent = functions_by_import(decode(encode(functions_by_name(plan))[8:]))
        return decode(encode(RUNNERS[kind](cls, sent))[8:])

    return Remote(cls.__name__, runner)


def test_argument_and_output_trees_cross_the_channel():
    import torch
    from torch import nn

    lstm = Case(
        init=dict(input_size=3, hidden_size=4, proj_size=2),
        input=lambda: (torch.randn(5, 3), (torch.randn(1, 2), torch.randn(1, 4))),
    )
    check_layer(through_the_channel(nn.LSTM), nn.LSTM, [lstm], outputs=("output", ("h_n", "c_n")))
    mask = Case(
        init=dict(embed_dim=4, num_heads=2),
        input=lambda: (torch.randn(3, 2, 4),) * 3,
        kwargs=lambda: dict(key_padding_mask=torch.rand(2, 3) < 0.3, average_attn_weights=False),
    )
    check_layer(through_the_channel(nn.MultiheadAttention), nn.MultiheadAttention, [mask])


def test_functions_in_a_plan_cross_the_channel_by_name():
    import pytest
    import torch
    import torch.nn.functional as F
    from torch import nn

    layer = dict(d_model=4, nhead=2, dim_feedforward=8, dropout=0.0)
    cases = [Case(layer | dict(activation=f), (3, 2, 4)) for f in (F.silu, F.gelu, torch.tanh)]
    check_layer(through_the_channel(nn.TransformerEncoderLayer), nn.TransformerEncoderLayer, cases)
    assert functions_by_name({"f": F.silu}) == {"f": {"__callable__": "torch.nn.functional:silu"}}
    with pytest.raises(ChannelError, match="cannot be sent"):
        functions_by_name({"activation": lambda x: x})
