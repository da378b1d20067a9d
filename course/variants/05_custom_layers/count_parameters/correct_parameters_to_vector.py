"""Correct: flattens the (deduplicated) parameters with torch.nn.utils.parameters_to_vector and
counts the vector's length, trainable and frozen apart (an empty group counts 0, since
concatenating nothing fails)."""

from torch.nn.utils import parameters_to_vector


def _length(parameters):
    return parameters_to_vector(parameters).numel() if parameters else 0


def count_parameters(model):
    """{"total", "trainable", "frozen"}: numbers held, each shared tensor counted once."""
    parameters = list(model.parameters())
    trainable = _length([p for p in parameters if p.requires_grad])
    frozen = _length([p for p in parameters if not p.requires_grad])
    return {"total": trainable + frozen, "trainable": trainable, "frozen": frozen}
