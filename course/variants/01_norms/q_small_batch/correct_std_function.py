import torch

SPREAD_RATIO = float(torch.std(batch_means(2)) / torch.std(batch_means(64)))  # noqa: F821
