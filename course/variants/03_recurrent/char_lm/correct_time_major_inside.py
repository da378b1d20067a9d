"""Correct alternative: a time-major LSTM (batch_first=False) fed the transposed embeddings, its
output transposed back before the head; h_n and c_n do not depend on batch_first."""

from torch import nn


class CharLM(nn.Module):
    """Embedding → LSTM → linear head, from your layers; loads TorchCharLM's state_dict."""

    def __init__(self, vocab_size, embedding_dim=16, hidden_size=64, num_layers=2, dropout=0.0):
        super().__init__()
        self.embedding = Embedding(vocab_size, embedding_dim)  # noqa: F821
        self.lstm = LSTM(embedding_dim, hidden_size, num_layers, dropout=dropout)  # noqa: F821
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx, state=None):
        time_major = self.embedding(idx.t())  # (L, N, E)
        features, state = self.lstm(time_major, state)
        return self.head(features.transpose(0, 1)), state
