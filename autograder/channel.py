"""Messages between the trusted judge and the sandboxed probe: length-prefixed torch.save bytes.

What comes back from the sandbox is read with ``torch.load(weights_only=True)``, torch's
restricted unpickler: tensors, numbers, strings and containers, never code. A reply larger than
``MAX_BYTES`` is refused before it is read. Both ends have torch loaded already (the probe and the
judge run the check engine), so torch is imported where a message is made or read, and importing
this module (as the grading room does) costs nothing.
"""

import io
import struct

HEADER = struct.Struct("!Q")
MAX_BYTES = 256 * 2**20


class ChannelError(RuntimeError):
    """A message that cannot be read: the other side died, stalled or wrote garbage."""


def encode(message):
    import torch

    buffer = io.BytesIO()
    torch.save(message, buffer)
    return HEADER.pack(buffer.tell()) + buffer.getvalue()


def decode(data):
    import torch

    try:
        return torch.load(io.BytesIO(data), weights_only=True)
    except Exception as error:  # any byte string may arrive
        raise ChannelError(f"an unreadable reply ({type(error).__name__})") from None


def send(stream, message):
    stream.write(encode(message))
    stream.flush()


def receive(stream):
    """The next message from a blocking binary stream, or None at its end (for the probe)."""
    header = stream.read(HEADER.size)
    if len(header) < HEADER.size:
        return None
    (size,) = HEADER.unpack(header)
    return decode(stream.read(size))
