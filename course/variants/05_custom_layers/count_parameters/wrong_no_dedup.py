"""Bug: walks named_parameters(remove_duplicate=False), which yields a tensor once per name it
is registered under; tied_embedding and registered_twice are counted twice."""


def count_parameters(model):
    """{"total", "trainable", "frozen"}: numbers held, each shared tensor counted once."""
    total = trainable = 0
    for _, p in model.named_parameters(remove_duplicate=False):
        total += p.numel()
        trainable += p.numel() if p.requires_grad else 0
    return {"total": total, "trainable": trainable, "frozen": total - trainable}
