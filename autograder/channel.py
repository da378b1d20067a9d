"""Messages between the trusted judge and the sandboxed probe: length-prefixed torch.save bytes.

What comes back from the sandbox is read with ``torch.load(weights_only=True)``, torch's
restricted unpickler: tensors, numbers, strings and containers, never code. A function in what
the judge sends (a layer's ``activation``) travels as its import path and is imported again on
the probe's side. A reply larger than ``MAX_BYTES`` is refused before it is read. Both ends have
torch loaded already (the probe and the judge run the check engine), so torch is imported where a
message is made or read, and importing this module (as the grading room does) costs nothing.
"""

import importlib
import io
import struct

HEADER = struct.Struct("!Q")
MAX_BYTES = 256 * 2**20
CALLABLE = "__callable__"  # a function in a plan travels as {CALLABLE: "module:qualname"}


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


def functions_by_name(message):
    """``message`` with each function in it (``activation=F.silu``) replaced by its import
    path, so that the restricted unpickler can carry it; for what the judge sends."""
    from torch.utils._pytree import tree_map

    def name(leaf):
        if not callable(leaf) or isinstance(leaf, type) or not hasattr(leaf, "__qualname__"):
            return leaf
        for path in {f"{leaf.__module__}:{n}" for n in (leaf.__qualname__, leaf.__name__)}:
            if "<" not in path and _imported(path) is leaf:
                return {CALLABLE: path}
        raise ChannelError(f"{leaf!r} cannot be sent: pass data or an importable function")

    return tree_map(name, message)


def functions_by_import(message):
    """The inverse of :func:`functions_by_name`, for the probe."""
    from torch.utils._pytree import tree_map

    def is_name(leaf):
        return isinstance(leaf, dict) and set(leaf) == {CALLABLE}

    return tree_map(
        lambda leaf: _imported(leaf[CALLABLE]) if is_name(leaf) else leaf, message, is_leaf=is_name
    )


def _imported(path):
    """The object at ``module:qualified.name``, or None."""
    module, _, qualname = path.partition(":")
    try:
        found = importlib.import_module(module)
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        return None
    return found
