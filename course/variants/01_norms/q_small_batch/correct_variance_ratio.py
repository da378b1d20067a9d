import math

SPREAD_RATIO = math.sqrt(batch_means(2).var().item() / batch_means(64).var().item())  # noqa: F821
