"""Bug: the total is the sum over state_dict() values, which lists a tied matrix under both
names and holds the buffers too; tied_embedding and frozen_backbone get too large a total."""


def count_parameters(model):
    """{"total", "trainable", "frozen"}: numbers held, each shared tensor counted once."""
    total = sum(t.numel() for t in model.state_dict().values())
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    return {"total": total, "trainable": trainable, "frozen": total - trainable}
