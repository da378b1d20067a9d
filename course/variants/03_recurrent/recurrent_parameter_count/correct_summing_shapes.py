"""Correct alternative: sums the shapes of every parameter torch would register, by name."""

import math


def recurrent_parameter_count(
    mode, input_size, hidden_size, num_layers=1, bias=True, bidirectional=False, proj_size=0
):
    """The number of parameters of nn.RNN, nn.LSTM or nn.GRU built with these arguments."""
    rows = {"RNN": 1, "LSTM": 4, "GRU": 3}[mode] * hidden_size
    h_size = proj_size if proj_size > 0 else hidden_size
    suffixes = ["", "_reverse"] if bidirectional else [""]
    shapes = {}
    for layer in range(num_layers):
        layer_input = input_size if layer == 0 else h_size * len(suffixes)
        for suffix in suffixes:
            shapes[f"weight_ih_l{layer}{suffix}"] = (rows, layer_input)
            shapes[f"weight_hh_l{layer}{suffix}"] = (rows, h_size)
            if bias:
                shapes[f"bias_ih_l{layer}{suffix}"] = (rows,)
                shapes[f"bias_hh_l{layer}{suffix}"] = (rows,)
            if proj_size > 0:
                shapes[f"weight_hr_l{layer}{suffix}"] = (proj_size, hidden_size)
    return sum(math.prod(shape) for shape in shapes.values())
