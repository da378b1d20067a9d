"""An endless loop that ignores SIGINT: only the whole-notebook limit can stop it."""

import signal

signal.signal(signal.SIGINT, signal.SIG_IGN)
while True:
    pass
