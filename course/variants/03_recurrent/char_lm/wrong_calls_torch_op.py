"""Bug: calls the torch op it should build (nn.LSTM instead of your LSTM)."""

from torch import nn


class CharLM(nn.Module):
    """Embedding → LSTM → linear head, from your layers; loads TorchCharLM's state_dict."""

    def __init__(self, vocab_size, embedding_dim=16, hidden_size=64, num_layers=2, dropout=0.0):
        super().__init__()
        self.embedding = Embedding(vocab_size, embedding_dim)  # noqa: F821
        self.lstm = nn.LSTM(
            embedding_dim, hidden_size, num_layers, dropout=dropout, batch_first=True
        )
        self.head = nn.Linear(hidden_size, vocab_size)

    def forward(self, idx, state=None):
        features, state = self.lstm(self.embedding(idx), state)
        return self.head(features), state
