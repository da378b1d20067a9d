"""Leaves the kernel process outright."""

import os

os._exit(0)
