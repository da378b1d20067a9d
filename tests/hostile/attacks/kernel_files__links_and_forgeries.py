"""Writes into its working folder what grading must never follow or copy: links to secrets,
an extra notebook, a forged timestamp, a forged copy of its own notebook with passing outputs."""

import json
import os

for target, name in [("/proc/self/environ", "environ.ipynb"), ("/etc/passwd", "passwd")]:
    try:
        os.symlink(target, name)
    except OSError:
        pass
with open("timestamp.txt", "w") as handle:
    handle.write("2020-01-01 00:00:00.000000 UTC")
with open("extra.ipynb", "w") as handle:
    handle.write('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}')
os.makedirs("norms_files", exist_ok=True)
forged = json.load(open("norms.ipynb"))
for cell in forged["cells"]:
    cell["outputs"] = [] if cell["cell_type"] == "code" else cell.get("outputs")
json.dump(forged, open("norms.ipynb", "w"))
