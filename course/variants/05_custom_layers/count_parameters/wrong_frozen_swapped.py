"""Bug: trainable and frozen are swapped (requires_grad read the wrong way round); even the
visible mlp case, all trainable, gets trainable 0."""


def count_parameters(model):
    """{"total", "trainable", "frozen"}: numbers held, each shared tensor counted once."""
    parameters = list(model.parameters())
    total = sum(p.numel() for p in parameters)
    frozen = sum(p.numel() for p in parameters if p.requires_grad)
    return {"total": total, "trainable": total - frozen, "frozen": frozen}
