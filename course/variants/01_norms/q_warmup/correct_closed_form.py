import math

STEPS_TO_99 = math.ceil(math.log(0.01) / math.log(0.9))
