"""Tries to overwrite another student's submission, the gradebook and the course's files."""

for path in [
    "{course}/submitted/ada/01_norms/norms.ipynb",
    "{course}/gradebook.db",
    "{course}/nbgrader_config.py",
    "/tmp/planted",
]:
    try:
        with open(path, "w") as handle:
            handle.write("owned")
        print("WROTE", path)
    except OSError as error:
        print("refused", path, error)
