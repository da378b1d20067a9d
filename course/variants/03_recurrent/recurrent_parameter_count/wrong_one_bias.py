"""Bug: counts one bias vector per layer and direction; torch keeps both bias_ih and bias_hh."""


def recurrent_parameter_count(
    mode, input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, proj_size=0
):
    """The number of parameters of nn.RNN, nn.LSTM or nn.GRU built with these arguments."""
    gates = {"RNN": 1, "LSTM": 4, "GRU": 3}[mode]
    directions = 2 if bidirectional else 1
    out = proj_size or hidden_size
    total = 0
    for layer in range(num_layers):
        width = input_size if layer == 0 else directions * out
        count = gates * hidden_size * (width + out)
        if bias:
            count += gates * hidden_size
        count += proj_size * hidden_size
        total += directions * count
    return total
