"""Every layer a chapter rebuilds takes the constructor arguments of the torch layer it is named
after: the same parameter names, kinds (positional or keyword-only) and defaults, in the same
order. ``device`` and ``dtype`` are left out (the course builds on the default device and dtype).

The classes are those of the namespace a run of each source notebook leaves (every reference
solution has run in it): every ``nn.Module`` subclass bound to a name that ``torch.nn`` also has.
When torch is upgraded, a failure lists per class what changed, chapter by chapter.
"""

import inspect
import typing

import pytest
import torch
from torch import nn

from autograder.build.exercises import lesson_namespace, source_notebooks

ASSIGNMENTS = [notebook.parent.name for notebook in source_notebooks()]
LEFT_OUT = {"self", "device", "dtype"}
KINDS = {
    inspect.Parameter.POSITIONAL_ONLY: "positional-only",
    inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional-or-keyword",
    inspect.Parameter.VAR_POSITIONAL: "*args",
    inspect.Parameter.KEYWORD_ONLY: "keyword-only",
    inspect.Parameter.VAR_KEYWORD: "**kwargs",
}
CATCH_ALL = [
    ("args", inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.empty),
    ("kwargs", inspect.Parameter.VAR_KEYWORD, inspect.Parameter.empty),
]


def parameters(function):
    """(name, kind, default) of each parameter of ``function`` but self, device and dtype."""
    return [
        (p.name, p.kind, p.default)
        for p in inspect.signature(function).parameters.values()
        if p.name not in LEFT_OUT
    ]


def torch_signatures(torch_class):
    """The parameter lists torch's constructor accepts: its own signature or, where that is
    ``(*args, **kwargs)`` (nn.RNN, nn.LSTM, nn.GRU), each of its ``typing.overload`` signatures
    but the catch-all ``(*args, **kwargs)`` one, which documents nothing."""
    own = parameters(torch_class.__init__)
    if own != CATCH_ALL:
        return [own]
    overloads = [parameters(o) for o in typing.get_overloads(torch_class.__init__)]
    overloads = [o for o in overloads if o != CATCH_ALL]
    assert overloads, (
        f"nn.{torch_class.__name__}.__init__ is (*args, **kwargs) without typing overloads: "
        "compare with nn.RNNBase's signature instead (drop `mode`)"
    )
    return overloads


def learner_classes(namespace):
    """(name, learner class, torch class) for every nn.Module subclass of the namespace named
    like a torch.nn class (and not that class itself), by name."""
    found = []
    for name, value in sorted(namespace.items()):
        twin = getattr(nn, name, None)
        if (
            inspect.isclass(value)
            and issubclass(value, nn.Module)
            and inspect.isclass(twin)
            and issubclass(twin, nn.Module)
            and value is not twin
        ):
            found.append((name, value, twin))
    return found


def same_default(a, b):
    try:
        return a is b or (bool(a == b) and isinstance(a, bool) == isinstance(b, bool))
    except Exception:  # a default whose == does not give a truth value (a tensor, say)
        return False


def show(name, kind, default):
    shown = name if default is inspect.Parameter.empty else f"{name}={default!r}"
    return f"{shown} ({KINDS[kind]})"


def differences(learner, torch_params):
    """What separates the learner's parameter list from torch's, one phrase per parameter."""
    theirs = {name: (kind, default) for name, kind, default in torch_params}
    ours = {name: (kind, default) for name, kind, default in learner}
    found = [f"missing {show(n, *theirs[n])}" for n in theirs if n not in ours]
    found += [f"extra {show(n, *ours[n])}" for n in ours if n not in theirs]
    for name in (n for n in theirs if n in ours):
        (kind, default), (want_kind, want_default) = ours[name], theirs[name]
        if kind != want_kind or not same_default(default, want_default):
            found.append(
                f"different {show(name, kind, default)}, torch has {show(name, *theirs[name])}"
            )
    if not found:  # the same parameters, in another order
        order = ", ".join(name for name, _, _ in learner)
        found.append(f"order ({order}), torch has ({', '.join(n for n, _, _ in torch_params)})")
    return found


def mismatches(namespace):
    """Per class whose signature matches none of torch's: the differences from the nearest."""
    report = {}
    for name, learner_class, torch_class in learner_classes(namespace):
        learner = parameters(learner_class.__init__)
        candidates = torch_signatures(torch_class)
        if any(
            len(learner) == len(c)
            and all(
                (n, k) == (tn, tk) and same_default(d, td)
                for (n, k, d), (tn, tk, td) in zip(learner, c, strict=True)
            )
            for c in candidates
        ):
            continue
        report[name] = min((differences(learner, c) for c in candidates), key=len)
    return report


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_constructor_signatures_match_torch(assignment):
    namespace = lesson_namespace(assignment)
    assert learner_classes(namespace), f"{assignment}: no layer named like a torch.nn class"
    report = mismatches(namespace)
    lines = [f"  {name}: " + "; ".join(found) for name, found in report.items()]
    assert not report, (
        f"{assignment}: constructors that differ from torch {torch.__version__}'s "
        "(device and dtype left out):\n" + "\n".join(lines)
    )
