"""Small models that trip the usual parameter counters and summary tools (chapter 5).

Each function builds one model and says which trap it sets. The checks pass them by name
(``Case(model=tied_embedding)``), so that the grader and the learner's code build the same
model under the same seed.
"""

import torch
from torch import nn


class _Twice(nn.Module):
    def __init__(self):
        super().__init__()
        self.block = nn.Linear(6, 6)

    def forward(self, x):
        return self.block(torch.tanh(self.block(x)))


class _TiedLM(nn.Module):
    def __init__(self, vocab=11, d=6):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.head.weight = self.embed.weight

    def forward(self, tokens):
        return self.head(self.embed(tokens))


class _Scaled(nn.Module):
    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(torch.ones(5))
        self.linear = nn.Linear(5, 5)

    def forward(self, x):
        return self.linear(x) * self.scale


class _Tagger(nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(5, 7, num_layers=2)
        self.head = nn.Linear(7, 3)

    def forward(self, x):
        out, _ = self.lstm(x)
        return self.head(out)


class _WithSpare(nn.Module):
    def __init__(self):
        super().__init__()
        self.used = nn.Linear(4, 4)
        self.spare = nn.Linear(4, 50)

    def forward(self, x):
        return self.used(x)


class _TwoHeads(nn.Module):
    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Linear(4, 8), nn.ReLU())
        self.left, self.right = nn.Linear(8, 2), nn.Linear(8, 3)

    def forward(self, x):
        features = self.body(x)
        return {"left": self.left(features), "right": (self.right(features), features)}


class _Tables(nn.Module):
    def __init__(self):
        super().__init__()
        self.proj = nn.Linear(4, 4)
        self.norm = nn.BatchNorm1d(4)
        self.again = self.norm  # the same BatchNorm under a second name
        self.register_buffer("table", torch.arange(4.0), persistent=False)

    def forward(self, x):
        y = self.proj(x) + self.table
        return self.again(self.proj(y[:, 0]))


def mlp():
    """No trap: a Sequential of two linear layers around a ReLU; input (N, 4)."""
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 2))


def used_twice():
    """One Linear(6, 6) called twice in forward: its 42 parameters count once; input (N, 6)."""
    return _Twice()


def tied_embedding():
    """An output layer whose weight is the embedding's: 66 parameters, not 132; tokens (N, L)."""
    return _TiedLM()


def parent_owned():
    """A parameter of the model itself, outside every child; input (N, 5)."""
    return _Scaled()


def lstm_tagger():
    """A two-layer LSTM, sequence first (L, N, 5), whose output is a tuple; then a Linear."""
    return _Tagger()


def unused_branch():
    """A Linear that forward never calls: it still holds parameters; input (N, 4)."""
    return _WithSpare()


def frozen_backbone():
    """A frozen first layer and a BatchNorm1d with buffers; input (N, 4)."""
    model = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))
    model[0].requires_grad_(False)
    return model


def two_heads():
    """A model whose output is a dict holding a tuple; input (N, 4)."""
    return _TwoHeads()


def registered_twice():
    """One Linear registered under two names (``first`` and ``second``) and called through
    both: one module, one set of parameters; input (N, 3)."""
    model = nn.Sequential()
    block = nn.Linear(3, 3)
    model.add_module("first", block)
    model.add_module("second", block)
    return model


def shapes_and_tables():
    """A Linear called on (N, L, 4), then on (N, 4); a BatchNorm1d under two names (its
    buffers count once); a non-persistent buffer, which state_dict leaves out; input (N, L, 4)."""
    return _Tables()
