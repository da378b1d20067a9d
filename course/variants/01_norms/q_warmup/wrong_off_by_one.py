"""Stops one step early: floor instead of ceil."""

import math

STEPS_TO_99 = math.floor(math.log(0.01) / math.log(0.9))
