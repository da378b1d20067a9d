"""Bug: counts the distinct parameters of model.children() only, so the parent's own parameter
(parent_owned's scale, outside every child) is dropped from every count."""


def count_parameters(model):
    """{"total", "trainable", "frozen"}: numbers held, each shared tensor counted once."""
    distinct = {id(p): p for child in model.children() for p in child.parameters()}
    total = sum(p.numel() for p in distinct.values())
    trainable = sum(p.numel() for p in distinct.values() if p.requires_grad)
    return {"total": total, "trainable": trainable, "frozen": total - trainable}
