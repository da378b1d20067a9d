"""Bug: with proj_size, weight_hh is counted as H x H; it reads the projected h, so it is H x P."""


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
        weight_ih = gates * hidden_size * width
        weight_hh = gates * hidden_size * hidden_size
        biases = 2 * gates * hidden_size if bias else 0
        weight_hr = proj_size * hidden_size
        total += directions * (weight_ih + weight_hh + biases + weight_hr)
    return total
