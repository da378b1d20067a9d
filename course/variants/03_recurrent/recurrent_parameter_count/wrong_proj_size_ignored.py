"""Bug: ignores proj_size: no weight_hr, and h keeps hidden_size features everywhere."""


def recurrent_parameter_count(
    mode, input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, proj_size=0
):
    """The number of parameters of nn.RNN, nn.LSTM or nn.GRU built with these arguments."""
    gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[mode]
    directions = 2 if bidirectional else 1
    total = 0
    for layer in range(num_layers):
        width = input_size if layer == 0 else directions * hidden_size
        per_direction = gates * hidden_size * (width + hidden_size)
        if bias:
            per_direction += 2 * gates * hidden_size
        total += directions * per_direction
    return total
