"""Correct: a dict of named_parameters() (which yields each tensor once, under its first
name), counted by requires_grad."""


def count_parameters(model):
    """{"total", "trainable", "frozen"}: numbers held, each shared tensor counted once."""
    named = dict(model.named_parameters())
    total = sum(p.numel() for p in named.values())
    frozen = sum(p.numel() for p in named.values() if not p.requires_grad)
    return {"total": total, "trainable": total - frozen, "frozen": frozen}
