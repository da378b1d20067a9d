"""Correct alternative: the head reads the states flattened to (N·L, H) and the logits are put
back in shape; the vocabulary size and the state are named on the model."""

from torch import nn


class CharLM(nn.Module):
    """Embedding → LSTM → linear head, from your layers; loads TorchCharLM's state_dict."""

    def __init__(self, vocab_size, embedding_dim=16, hidden_size=64, num_layers=2, dropout=0.0):
        super().__init__()
        self.vocab_size = vocab_size
        self.embedding = Embedding(vocab_size, embedding_dim)  # noqa: F821
        self.lstm = LSTM(embedding_dim, hidden_size, num_layers, True, True, dropout)  # noqa: F821
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx, state=None):
        batch, length = idx.shape
        features, state = self.lstm(self.embedding(idx), state)
        flat = features.reshape(batch * length, -1)
        logits = self.head(flat).reshape(batch, length, self.vocab_size)
        return logits, state
