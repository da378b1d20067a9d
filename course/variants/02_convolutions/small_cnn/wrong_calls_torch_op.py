"""Bug: nothing pasted from chapter 1: torch's nn.BatchNorm2d, nn.Dropout and nn.Flatten stand in
for the learner's own layers (nn.BatchNorm2d runs the forbidden batch_norm op)."""

# ruff: noqa: F821 (Conv2d, MaxPool2d, AdaptiveAvgPool2d: earlier lesson cells)

from torch import nn


class SmallCNN(nn.Module):
    def __init__(self, in_channels=1, num_classes=4, width=8, dropout=0.5):
        super().__init__()
        self.conv1 = Conv2d(in_channels, width, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.pool1 = MaxPool2d(2)
        self.conv2 = Conv2d(width, 2 * width, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(2 * width)
        self.pool2 = AdaptiveAvgPool2d(1)
        self.dropout = nn.Dropout(dropout)
        self.head = Conv2d(2 * width, num_classes, 1)
        self.flatten = nn.Flatten()

    def forward(self, x):
        x = self.pool1(self.bn1(self.conv1(x)).relu())
        x = self.pool2(self.bn2(self.conv2(x)).relu())
        return self.flatten(self.head(self.dropout(x)))
