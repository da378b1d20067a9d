"""Inspect a student's submission before grading it, trusting nothing in it.

A submission is a folder ``submitted/<student>/<assignment>/`` that holds the assignment's
notebooks and nbgrader's ``timestamp.txt``, nothing else. ``inspect`` looks at every entry
without following links, refuses anything unexpected with a one-line reason for the instructor's
report, and returns the files' bytes, read safely. ``fingerprint`` tells whether a folder changed
without reading any file. Needs only the standard library, nbformat and nbgrader (never torch).
"""

import errno
import hashlib
import os
import re
import stat
from dataclasses import dataclass

import nbformat
from nbgrader.utils import parse_utc

TIMESTAMP = "timestamp.txt"
READ_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC | os.O_NOCTTY
# What nbgrader writes ("2026-11-20 09:00:00.000000 UTC"); no "/" so that dateutil's time zone
# lookup cannot be sent to open an arbitrary file.
DATE_CHARACTERS = re.compile(r"[0-9A-Za-z :.+\-]+")
KINDS = {
    stat.S_ISFIFO: "a named pipe",
    stat.S_ISSOCK: "a socket",
    stat.S_ISCHR: "a device",
    stat.S_ISBLK: "a device",
}


@dataclass(frozen=True)
class Caps:
    """The most bytes a submission may hold."""

    notebook_bytes: int = 20 * 2**20  # one notebook
    total_bytes: int = 50 * 2**20  # the whole submission
    timestamp_bytes: int = 200


class Refused(Exception):
    """A submission that cannot be graded; str(error) is the one-line reason for the report."""

    def __init__(self, reason):
        reason = " ".join(str(reason).split())
        super().__init__(reason if len(reason) <= 200 else reason[:197] + "...")


def fingerprint(folder, expected) -> str:
    """A sha256 of the folder's entries' metadata (never their contents), to skip unchanged ones.

    The expected files count by name, size, mtime, inode and mode; any other entry by name and
    mode, so that adding a stray file changes the fingerprint. A folder that is not a real
    directory (a symbolic link, say) counts by its own metadata, unlisted; one that cannot be
    read, by the error.
    """
    tracked = set(expected) | {TIMESTAMP}
    folder = unslashed(folder)
    try:
        top = os.lstat(folder)
        if stat.S_ISDIR(top.st_mode):
            with os.scandir(folder) as entries:
                records = sorted(record(entry, tracked) for entry in entries)
        else:
            records = [("not a folder", top.st_mode, top.st_ino, top.st_mtime_ns)]
    except OSError as error:
        records = [("unreadable", error.errno)]
    return hashlib.sha256("\n".join(map(ascii, records)).encode()).hexdigest()


def record(entry, tracked):
    """What ``fingerprint`` keeps of one entry: a tuple of its name and lstat fields."""
    try:
        info = entry.stat(follow_symlinks=False)
    except OSError:  # gone since the listing
        return (entry.name,)
    if entry.name in tracked:
        return (entry.name, info.st_size, info.st_mtime_ns, info.st_ino, info.st_mode)
    return (entry.name, info.st_mode)


def inspect(folder, expected, caps=Caps()) -> dict[str, bytes]:
    """The submission's files as ``{name: bytes}``, after checking them; raises ``Refused``."""
    expected, folder = set(expected), unslashed(folder)
    try:
        top = os.lstat(folder)
    except OSError as error:
        raise Refused(f"the submission folder cannot be read ({error.strerror})") from None
    if stat.S_ISLNK(top.st_mode):
        raise Refused("the submission folder is a symbolic link")
    if not stat.S_ISDIR(top.st_mode):
        raise Refused("the submission is not a folder")
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as error:
        raise Refused(f"the submission folder cannot be opened ({error.strerror})") from None
    try:
        sizes = check_entries(fd, expected, caps)
        files = {name: read_regular(name, cap_for(name, caps), dir_fd=fd) for name in sorted(sizes)}
    finally:
        os.close(fd)
    for name, data in files.items():
        if name == TIMESTAMP:
            check_timestamp(data)
        else:
            check_notebook(name, data)
    return files


def check_entries(fd, expected, caps):
    """Check every entry of the open folder ``fd``; return the size of each file by name."""
    try:
        with os.scandir(fd) as entries:
            sizes = {entry.name: check_entry(entry, expected, caps) for entry in entries}
    except OSError as error:  # an entry gone since the listing, say
        raise Refused(f"the submission folder cannot be listed ({error.strerror})") from None
    if sum(sizes.values()) > caps.total_bytes:
        raise Refused(f"the submission is larger than the {amount(caps.total_bytes)} allowed")
    if not expected & sizes.keys():
        raise Refused(f"no notebook was submitted (expected {' or '.join(sorted(expected))})")
    return sizes


def check_entry(entry, expected, caps):
    """Refuse an entry that is not one of the expected files; return its size."""
    name = entry.name
    if not (name.isascii() and name.isprintable() and "\\" not in name):
        raise Refused(f"the file name {shown(ascii(name))} has odd characters")
    info = entry.stat(follow_symlinks=False)
    if stat.S_ISLNK(info.st_mode):
        raise Refused(f"{shown(name)} is a symbolic link")
    if stat.S_ISDIR(info.st_mode):
        raise Refused(f"unexpected folder {shown(name)}/ ({wanted(expected)})")
    if name.startswith("."):
        raise Refused(f"unexpected hidden file {shown(name)} ({wanted(expected)})")
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"{shown(name)} is not a regular file ({kind(info.st_mode)})")
    if name not in expected | {TIMESTAMP}:
        raise Refused(f"unexpected file {shown(name)} ({wanted(expected)})")
    if info.st_nlink != 1:
        raise Refused(f"{name} is a hard link (linked {info.st_nlink} times)")
    if info.st_size > cap_for(name, caps):
        raise Refused(f"{name} is larger than the {amount(cap_for(name, caps))} allowed")
    return info.st_size


def read_regular(path, cap, *, dir_fd=None) -> bytes:
    """Read a regular file of at most ``cap`` bytes, never following a link; raises ``Refused``.

    ``dir_fd``, an open folder, makes ``path`` relative to it (as for ``os.open``).
    """
    name = shown(os.path.basename(path))
    try:
        fd = os.open(path, READ_FLAGS, dir_fd=dir_fd)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise Refused(f"{name} is a symbolic link") from None
        raise Refused(f"{name} cannot be read ({error.strerror})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise Refused(f"{name} is not a regular file ({kind(info.st_mode)})")
        if info.st_nlink != 1:
            raise Refused(f"{name} is a hard link (linked {info.st_nlink} times)")
        if info.st_size > cap:
            raise Refused(f"{name} is larger than the {amount(cap)} allowed")
        chunks, left = [], cap + 1
        while left and (chunk := os.read(fd, min(left, 2**20))):
            chunks.append(chunk)
            left -= len(chunk)
    finally:
        os.close(fd)
    if not left:
        raise Refused(f"{name} is larger than the {amount(cap)} allowed")
    return b"".join(chunks)


def check_notebook(name, data):
    """Refuse a notebook that nbformat cannot read, or whose cells nbgrader would trip on."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise Refused(f"{name} is not UTF-8 text") from None
    try:
        nb = nbformat.convert(nbformat.reader.reads(text), 4)
        nbformat.validate(nb)
    except nbformat.reader.NotJSONError as error:
        cause = error.__cause__  # json's error; a ValueError when a number has too many digits
        where = f"{cause.msg}, line {cause.lineno}" if hasattr(cause, "lineno") else first(cause)
        raise Refused(f"{name} is not valid JSON ({where})") from None
    except Exception as error:  # RecursionError, ValidationError, AttributeError on a list...
        raise Refused(f"{name} is not a valid notebook ({first(error)})") from None
    for number, cell in enumerate(nb.cells, 1):
        if malformed(cell):
            raise Refused(f"{name} has malformed cell metadata (cell {number})")


def malformed(cell):
    """Whether nbgrader would trip on a cell: its source not text, or odd nbgrader metadata."""
    nbgrader = cell.get("metadata", {}).get("nbgrader", {})
    return not isinstance(cell.get("source"), str) or not isinstance(nbgrader, dict)


def first(error):
    """The first line of an error's message, cut to 150 characters."""
    lines = str(error).strip().splitlines() or [type(error).__name__]
    return lines[0][:150]


def check_timestamp(data):
    """Refuse a timestamp.txt that is not one line holding a date."""
    try:
        lines = data.decode("utf-8").splitlines()
    except UnicodeDecodeError:
        raise Refused(f"{TIMESTAMP} is not UTF-8 text") from None
    if len(lines) != 1:
        raise Refused(f"{TIMESTAMP} does not hold a date (it has {len(lines)} lines, not 1)")
    line = lines[0].strip()
    problem = None if DATE_CHARACTERS.fullmatch(line) else "unexpected characters"
    if problem is None:
        try:
            parse_utc(line)
        except Exception as error:  # dateutil raises ValueError, OverflowError, ...
            problem = type(error).__name__
    if problem:
        raise Refused(f"{TIMESTAMP} does not hold a date ({problem} in {shown(ascii(line))})")


def unslashed(folder):
    """The path without trailing slashes, which would make the system follow a final link."""
    path = os.fspath(folder)
    return path.rstrip("/") or path


def cap_for(name, caps):
    return caps.timestamp_bytes if name == TIMESTAMP else caps.notebook_bytes


def wanted(expected):
    return f"submit only {', '.join(sorted(expected))} and {TIMESTAMP}"


def kind(mode):
    return next((what for test, what in KINDS.items() if test(mode)), "a special file")


def amount(size):
    """A number of bytes for people: 20 MB, 1.5 KB, 200 bytes."""
    for unit, scale in (("MB", 2**20), ("KB", 2**10)):
        if size >= scale:
            return f"{size / scale:.3g} {unit}"
    return f"{size} bytes"


def shown(name, limit=60):
    """A name cut to ``limit`` characters, for reasons that stay one short line."""
    return name if len(name) <= limit else name[: limit - 3] + "..."
