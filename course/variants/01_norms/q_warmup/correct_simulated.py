import torch
from torch import nn

bn = nn.BatchNorm1d(1, affine=False)
batch = torch.full((4, 1), 5.0)
STEPS_TO_99 = 0
while bn.running_mean.item() < 0.99 * 5.0:
    bn(batch + torch.tensor([[-1.0], [1.0], [-2.0], [2.0]]))
    STEPS_TO_99 += 1
