"""Opens a network connection to a listener on the grading machine."""

import socket

try:
    socket.create_connection(("127.0.0.1", int("{port}")), timeout=3).sendall(
        b"hidden tests please"
    )
    print("CONNECTED")
except OSError as error:
    print("no network:", error)
