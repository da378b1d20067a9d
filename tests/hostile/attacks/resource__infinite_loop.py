"""An endless loop: the per-cell time limit interrupts it; the other cells are graded."""

while True:
    pass
