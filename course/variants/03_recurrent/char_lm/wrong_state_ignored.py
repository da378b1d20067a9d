"""Bug: forward drops the state it is given, so every call starts the LSTM from zeros."""

from torch import nn


class CharLM(nn.Module):
    """Embedding → LSTM → linear head, from your layers; loads TorchCharLM's state_dict."""

    def __init__(self, vocab_size, embedding_dim=16, hidden_size=64, num_layers=2, dropout=0.0):
        super().__init__()
        self.embedding = Embedding(vocab_size, embedding_dim)  # noqa: F821
        self.lstm = LSTM(embedding_dim, hidden_size, num_layers, dropout=dropout, batch_first=True)  # noqa: F821
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx, state=None):
        features, new_state = self.lstm(self.embedding(idx))
        return self.head(features), new_state
