"""Bug: buffers are counted as frozen parameters (they are not trained, after all), so
frozen_backbone's BatchNorm statistics inflate both frozen and total."""


def count_parameters(model):
    """{"total", "trainable", "frozen"}: numbers held, each shared tensor counted once."""
    parameters = list(model.parameters())
    trainable = sum(p.numel() for p in parameters if p.requires_grad)
    frozen = sum(p.numel() for p in parameters if not p.requires_grad)
    frozen += sum(b.numel() for b in model.buffers())
    return {"total": trainable + frozen, "trainable": trainable, "frozen": frozen}
