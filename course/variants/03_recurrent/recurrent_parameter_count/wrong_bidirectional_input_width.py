"""Bug: later layers of a bidirectional stack read H inputs instead of the 2H the two directions
below them concatenate."""


def recurrent_parameter_count(
    mode, input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, proj_size=0
):
    """The number of parameters of nn.RNN, nn.LSTM or nn.GRU built with these arguments."""
    gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[mode]
    directions = 2 if bidirectional else 1
    out = proj_size or hidden_size
    total = 0
    for layer in range(num_layers):
        width = input_size if layer == 0 else out
        per_direction = gates * hidden_size * (width + out)
        if bias:
            per_direction += 2 * gates * hidden_size
        per_direction += proj_size * hidden_size
        total += directions * per_direction
    return total
