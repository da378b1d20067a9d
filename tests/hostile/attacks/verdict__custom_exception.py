"""A wrong Flatten, plus an IPython handler that swallows every exception a cell raises."""


class Flatten(nn.Module):  # noqa: F821
    def __init__(self, start_dim=1, end_dim=-1):
        super().__init__()

    def forward(self, x):
        return x


get_ipython().set_custom_exc((BaseException,), lambda *args, **kwargs: None)  # noqa: F821
