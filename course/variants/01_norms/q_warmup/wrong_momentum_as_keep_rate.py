"""Treats momentum 0.1 as the weight of the old value, as in Keras: 1 - 0.1**k."""

STEPS_TO_99 = next(k for k in range(1, 1000) if 1 - 0.1**k >= 0.99)
