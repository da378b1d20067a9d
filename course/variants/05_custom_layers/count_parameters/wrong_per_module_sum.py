"""Bug: sums each module's own parameters (recurse=False) over model.modules(); a tensor tied
into two modules is counted once per module, so tied_embedding counts its matrix twice."""


def count_parameters(model):
    """{"total", "trainable", "frozen"}: numbers held, each shared tensor counted once."""
    total = trainable = 0
    for module in model.modules():
        for p in module.parameters(recurse=False):
            total += p.numel()
            trainable += p.numel() if p.requires_grad else 0
    return {"total": total, "trainable": trainable, "frozen": total - trainable}
