"""Correct alternative: one closed formula, layer 0's input weights apart from the rest."""


def recurrent_parameter_count(
    mode, input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, proj_size=0
):
    """The number of parameters of nn.RNN, nn.LSTM or nn.GRU built with these arguments."""
    G = {"RNN": 1, "LSTM": 4, "GRU": 3}[mode]
    H, P = hidden_size, proj_size
    D = 2 if bidirectional else 1
    out = P or H
    # weight_ih: layer 0 reads the input, every later layer the D directions below it
    input_weights = G * H * input_size + (num_layers - 1) * G * H * D * out
    # weight_hh, the two biases and weight_hr are the same in every layer
    per_layer = G * H * out + (2 * G * H if bias else 0) + P * H
    return D * (input_weights + num_layers * per_layer)
