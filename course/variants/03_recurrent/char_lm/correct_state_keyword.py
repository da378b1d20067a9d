"""Correct alternative: keyword arguments everywhere, the state passed as hx=, and the head applied
with F.linear to its own weight and bias."""

import torch.nn.functional as F
from torch import nn


class CharLM(nn.Module):
    """Embedding → LSTM → linear head, from your layers; loads TorchCharLM's state_dict."""

    def __init__(self, vocab_size, embedding_dim=16, hidden_size=64, num_layers=2, dropout=0.0):
        super().__init__()
        self.embedding = Embedding(num_embeddings=vocab_size, embedding_dim=embedding_dim)  # noqa: F821
        self.lstm = LSTM(  # noqa: F821
            input_size=embedding_dim,
            hidden_size=hidden_size,
            num_layers=num_layers,
            batch_first=True,
            dropout=dropout,
        )
        self.head = nn.Linear(in_features=hidden_size, out_features=vocab_size)

    def forward(self, idx, state=None):
        vectors = self.embedding(idx)
        features, (h_n, c_n) = self.lstm(vectors, hx=state)
        logits = F.linear(features, self.head.weight, self.head.bias)
        return logits, (h_n, c_n)
