"""Answers for momentum=None (a cumulative average reaches the mean in one step)."""

STEPS_TO_99 = 1
