"""Every reference solution matches torch on the samples torch's own test suite ships for the layer
it is named after (``module_db`` of ``torch.testing._internal.common_modules``): configurations
nobody in this course chose.

For each layer a chapter rebuilds whose torch twin has a ``module_db`` entry, for each sample
(CPU, float64), in training and in eval mode: both modules are built from the sample's constructor
arguments (``device`` and ``dtype`` left out, as the course builds on the default ones), torch's
``state_dict`` loads into the learner's and the learner's into a fresh torch module (both
``strict``); then the outputs of a forward on copies of the same inputs, the gradients of the inputs
and parameters for the same random cotangent, and the buffers after the forward must match.

Every sample is taken, with no exception: the course's random layers (Dropout, Dropout2d) have
no samples, every transformer sample sets ``dropout=0.0`` and FractionalMaxPool2d's samples fix its
draws with ``_random_samples``.
"""

import ast
import contextlib
import copy
import functools
import sys
import types
import unittest

import nbformat
import pytest
import torch
from test_signatures import learner_classes
from torch import nn
from torch.utils import _pytree as pytree

from autograder.build.exercises import lesson_namespace, source_notebooks

DTYPE = torch.float64
SEED = 0
LEFT_OUT = {"device", "dtype"}  # the course builds on the default device and dtype
MODES = {"train": True, "eval": False}


def _import_module_db():
    """torch's ``module_db``, imported without the ``expecttest`` package it wants (a stand-in
    whose ``TestCase`` is unittest's) and with the global state the import changes put back."""
    frozen = torch.backends.flags_frozen()
    calls = torch._C.ScriptFunction.__call__, torch._C.ScriptMethod.__call__
    shimmed = "expecttest" not in sys.modules
    if shimmed:
        try:
            import expecttest  # noqa: F401
        except ModuleNotFoundError:
            shim = types.ModuleType("expecttest")
            shim.TestCase = unittest.TestCase
            sys.modules["expecttest"] = shim
        else:
            shimmed = False
    try:
        from torch.testing._internal.common_modules import module_db
    finally:
        if shimmed:
            del sys.modules["expecttest"]
        # common_utils freezes torch.backends flags (the autograder sets some) and wraps
        # TorchScript calls in a profiler switch: undo both for the rest of the session.
        # (torch.backends is a wrapper module: the flag lives where its functions were defined)
        torch.backends.flags_frozen.__globals__["__allow_nonbracketed_mutation_flag"] = not frozen
        torch._C.ScriptFunction.__call__, torch._C.ScriptMethod.__call__ = calls
    return {info.module_cls.__name__: info for info in module_db}


MODULE_INFOS = _import_module_db()
ASSIGNMENTS = [notebook.parent.name for notebook in source_notebooks()]


def defined_classes(assignment):
    """The names of the classes the chapter's notebook defines at the top level of a cell (read,
    not run, so that collecting is quick; a test checks these are the classes of the run)."""
    notebook = next(source_notebooks_of(assignment))
    names = set()
    for cell in nbformat.read(notebook, as_version=4).cells:
        if cell.cell_type == "code":
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:  # a cell with IPython magics
                continue
            names |= {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    return names


def source_notebooks_of(assignment):
    return (n for n in source_notebooks() if n.parent.name == assignment)


def checked_classes(assignment):
    return sorted(
        name
        for name in defined_classes(assignment)
        if name in MODULE_INFOS and MODULE_INFOS[name].module_cls is getattr(nn, name, None)
    )


@functools.cache
def samples(name, training):
    """module_db's samples for ``nn.<name>`` (the same ones every time)."""
    info = MODULE_INFOS[name]
    with torch.random.fork_rng(devices=[]):
        torch.default_generator.manual_seed(SEED)
        return info.module_inputs_func(
            info, device="cpu", dtype=DTYPE, requires_grad=True, training=training
        )


@functools.cache
def namespace(assignment):
    with one_thread():
        return lesson_namespace(assignment)


@contextlib.contextmanager
def one_thread():
    """Torch on one intra-op thread: on these tiny tensors a pool of threads only waits for
    itself, and on a busy machine that makes a sample (and a chapter's run) ten times slower."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(threads)


@pytest.fixture(autouse=True)
def _one_thread():
    with one_thread():
        yield


def cases():
    """(chapter, class, sample index, mode) of every sample to compare."""
    for assignment in ASSIGNMENTS:
        for name in checked_classes(assignment):
            for mode, training in MODES.items():
                for index, sample in enumerate(samples(name, training)):
                    label = f"{assignment}-{name}-{index}-{mode}"
                    label += f"-{sample.desc}" if sample.desc else ""
                    yield pytest.param(assignment, name, index, mode, id=label)


def constructor(sample):
    """The sample's constructor (args, kwargs), ``device`` and ``dtype`` left out."""
    given = sample.constructor_input
    return given.args, {k: v for k, v in given.kwargs.items() if k not in LEFT_OUT}


def learner_constructor(name, index, training, assignment):
    """The constructor arguments for the learner's class: torch's, but where a sample passes a
    torch layer (TransformerEncoder's encoder_layer), the learner's layer built like it."""
    args, kwargs = constructor(samples(name, training)[index])
    if name == "TransformerEncoder":
        assert isinstance(args[0], nn.TransformerEncoderLayer), args
        layer_args, layer_kwargs = constructor(samples("TransformerEncoderLayer", training)[index])
        layer = build(namespace(assignment)["TransformerEncoderLayer"], layer_args, layer_kwargs)
        args = (layer, *args[1:])
    assert not any(type(a).__module__.startswith("torch.") for a in _modules((args, kwargs))), args
    return args, kwargs


def _modules(tree):
    return [leaf for leaf in pytree.tree_leaves(tree) if isinstance(leaf, nn.Module)]


def build(cls, args, kwargs):
    torch.default_generator.manual_seed(SEED)
    return cls(*copy.deepcopy(args), **copy.deepcopy(kwargs)).to(DTYPE)


def describe(sample):
    """The sample in words, for a failure's message."""
    args, kwargs = constructor(sample)
    shapes = pytree.tree_map_only(
        torch.Tensor,
        lambda t: f"{t.dtype}{list(t.shape)}",
        (sample.forward_input.args, sample.forward_input.kwargs),
    )
    return f"constructor args={args} kwargs={kwargs}; forward inputs {shapes}"


def copied(tree):
    """A copy of ``tree`` whose tensors are new leaves with the same strides and requires_grad
    (deepcopy alone refuses the non-leaf inputs, transposes of a leaf, some samples pass)."""

    def copy_tensor(tensor):
        return copy.deepcopy(tensor.detach()).requires_grad_(tensor.requires_grad)

    return pytree.tree_map_only(torch.Tensor, copy_tensor, tree)


def tensors(tree):
    return [leaf for leaf in pytree.tree_leaves(tree) if isinstance(leaf, torch.Tensor)]


def grad(tensor):
    return torch.zeros_like(tensor) if tensor.grad is None else tensor.grad


def run(module, sample, training, cotangents=None):
    """Forward on a copy of the sample's inputs, then backward with ``cotangents`` (one per
    floating output that needs a gradient; drawn here when None). The outputs, the copied inputs
    and the cotangents."""
    module.train(training)
    args, kwargs = copied((sample.forward_input.args, sample.forward_input.kwargs))
    output = module(*args, **kwargs)
    needing = [t for t in tensors(output) if t.is_floating_point() and t.requires_grad]
    if cotangents is None:
        generator = torch.Generator().manual_seed(SEED)
        cotangents = [torch.randn(t.shape, dtype=t.dtype, generator=generator) for t in needing]
    assert len(needing) == len(cotangents), (
        f"{len(needing)} outputs need a gradient, torch's {len(cotangents)}"
    )
    if needing:
        torch.autograd.backward(needing, cotangents)
    return output, (args, kwargs), cotangents


def close(actual, expected, what, sample):
    try:
        torch.testing.assert_close(actual, expected, rtol=1e-7, atol=1e-7)
    except AssertionError as error:
        raise AssertionError(
            f"{what} differ(s) from torch's on {describe(sample)}:\n{error}"
        ) from None


@pytest.mark.parametrize(("assignment", "name", "index", "mode"), list(cases()))
def test_reference_matches_torch_on_module_db_sample(assignment, name, index, mode):
    training = MODES[mode]
    sample = samples(name, training)[index]
    learner_class, twin = namespace(assignment)[name], getattr(nn, name)
    assert learner_class is not twin and issubclass(learner_class, nn.Module), name
    args, kwargs = constructor(sample)
    with torch.random.fork_rng(devices=[]):
        ours = build(learner_class, *learner_constructor(name, index, training, assignment))
        theirs = build(twin, args, kwargs)
        ours.load_state_dict(theirs.state_dict(), strict=True)
        fresh = build(twin, args, kwargs)
        fresh.load_state_dict(ours.state_dict(), strict=True)
        close(fresh.state_dict(), theirs.state_dict(), "the state_dict loaded back", sample)

        expected, expected_inputs, cotangents = run(theirs, sample, training)
        actual, actual_inputs, _ = run(ours, sample, training, cotangents)

    expected_leaves, expected_spec = pytree.tree_flatten(expected)
    actual_leaves, actual_spec = pytree.tree_flatten(actual)
    assert actual_spec == expected_spec, (
        f"output structure {actual_spec}, torch's {expected_spec}, on {describe(sample)}"
    )
    close(actual_leaves, expected_leaves, "the outputs", sample)
    close(
        [grad(t) for t in tensors(actual_inputs) if t.requires_grad],
        [grad(t) for t in tensors(expected_inputs) if t.requires_grad],
        "the input gradients",
        sample,
    )
    ours_params, theirs_params = dict(ours.named_parameters()), dict(theirs.named_parameters())
    assert sorted(ours_params) == sorted(theirs_params), (
        f"parameters {sorted(ours_params)}, torch's {sorted(theirs_params)}"
    )
    close(
        {n: grad(p) for n, p in ours_params.items()},
        {n: grad(p) for n, p in theirs_params.items()},
        "the parameter gradients",
        sample,
    )
    close(dict(ours.named_buffers()), dict(theirs.named_buffers()), "the buffers after", sample)


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_layer_with_module_db_samples_is_checked(assignment):
    """The classes read from the notebook are those its run leaves, as far as module_db has
    samples for their torch twins."""
    ran = {name for name, _, _ in learner_classes(namespace(assignment)) if name in MODULE_INFOS}
    assert set(checked_classes(assignment)) == ran
