"""Layer by Layer's autograder, in three rooms:

- :mod:`autograder.checks`: the check engine that test cells import (torch and the standard
  library only), with the op trace and the sandboxed probe that runs a learner's code;
- :mod:`autograder.build`: course/*.md → source/ → release/, and the website;
- :mod:`autograder.grading`: grading a class with nbgrader, one sandboxed worker per submission.

Importing ``autograder``, its build or its grading room does not import torch.
"""
