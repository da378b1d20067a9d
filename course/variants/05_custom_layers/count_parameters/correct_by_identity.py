"""Correct: walks every module's own parameters and keeps a set of the ids already counted,
so a tensor tied, shared or registered twice counts once."""


def count_parameters(model):
    """{"total", "trainable", "frozen"}: numbers held, each shared tensor counted once."""
    seen, total, trainable = set(), 0, 0
    for module in model.modules():
        for p in module.parameters(recurse=False):
            if id(p) in seen:
                continue
            seen.add(id(p))
            total += p.numel()
            trainable += p.numel() if p.requires_grad else 0
    return {"total": total, "trainable": trainable, "frozen": total - trainable}
