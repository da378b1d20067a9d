"""Writes colorsys.py into its working folder, then imports colorsys: in a kernel started in
isolated mode with IPython's ignore_cwd, the standard library's module loads, not this one."""

import importlib
import sys

with open("colorsys.py", "w") as handle:
    handle.write('print("SHADOWED")\n')
sys.modules.pop("colorsys", None)
importlib.invalidate_caches()
print("colorsys from", importlib.import_module("colorsys").__file__)
