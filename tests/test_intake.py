"""Intake: a submission folder holds exactly the assignment's files, or it is refused."""

import builtins
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from autograder.grading.intake import Caps, Refused, fingerprint, inspect, read_regular

EXPECTED = {"norms.ipynb"}
STAMP = b"2026-11-20 09:00:00.000000 UTC"


def notebook_bytes(cells=1):
    nb = new_notebook(cells=[new_code_cell(f"x = {i}") for i in range(cells)])
    return nbformat.writes(nb).encode()


def submission(tmp_path):
    """A good submission folder: norms.ipynb and timestamp.txt."""
    folder = tmp_path / "submitted" / "alice" / "norms"
    folder.mkdir(parents=True)
    (folder / "norms.ipynb").write_bytes(notebook_bytes())
    (folder / "timestamp.txt").write_bytes(STAMP)
    return folder


def refused(folder, *words, expected=EXPECTED, caps=None):
    """Inspect a folder that must be refused; check the reason names ``words``."""
    with pytest.raises(Refused) as info:
        inspect(folder, expected, caps or Caps())
    reason = str(info.value)
    assert "\n" not in reason and len(reason) <= 200, reason
    assert str(Path(folder).parent) not in reason, reason
    for word in words:
        assert word in reason, reason
    return reason


def test_good_submission_passes(tmp_path):
    folder = submission(tmp_path)
    files = inspect(folder, EXPECTED)
    assert files == {
        "norms.ipynb": (folder / "norms.ipynb").read_bytes(),
        "timestamp.txt": STAMP,
    }


def test_a_missing_one_of_several_notebooks_is_allowed(tmp_path):
    folder = submission(tmp_path)
    (folder / "timestamp.txt").unlink()
    assert inspect(folder, EXPECTED | {"attention.ipynb"}).keys() == {"norms.ipynb"}


def outside(tmp_path):
    """A notebook outside the submission folder."""
    target = tmp_path / "elsewhere.ipynb"
    target.write_bytes(notebook_bytes())
    return target


def text(path, tmp_path):
    path.write_text("import os\n")


def directory(path, tmp_path):
    path.mkdir()


def package(path, tmp_path):
    path.mkdir()
    (path / "__init__.py").write_text("import os\n")


def link_to(target):
    return lambda path, tmp_path: path.symlink_to(target)


def link_outside(path, tmp_path):
    path.symlink_to(outside(tmp_path))


def hard_link(path, tmp_path):
    os.link(outside(tmp_path), path)


def fifo(path, tmp_path):
    os.mkfifo(path)


def tweaked(tmp_path, name, make):
    """A good submission where ``make`` puts something at ``name`` (replacing what was there)."""
    folder = submission(tmp_path)
    if os.path.lexists(folder / name):
        (folder / name).unlink()
    make(folder / name, tmp_path)
    return folder


# What to put where, and the words of the reason.
EXTRAS = {
    "module": ("helpers.py", text, "unexpected file helpers.py"),
    "shadowing module": ("torch.py", text, "unexpected file torch.py"),
    "notes": ("notes.txt", text, "unexpected file notes.txt"),
    "package": ("torch", package, "unexpected folder torch/"),
    "autograded": ("autograded", directory, "unexpected folder autograded/"),
    "feedback": ("feedback", directory, "unexpected folder feedback/"),
    "source": ("source", package, "unexpected folder source/"),
    "checkpoints": (".ipynb_checkpoints", directory, "unexpected folder .ipynb_checkpoints/"),
    "bashrc": (".bashrc", text, "unexpected hidden file .bashrc"),
    "hidden notebook": (".norms.ipynb", text, "unexpected hidden file .norms.ipynb"),
}
LINKS = {
    "symlink to another file": ("norms.ipynb", link_outside, "norms.ipynb is a symbolic link"),
    "symlink to an allowed file": (
        "timestamp.txt",
        link_to("norms.ipynb"),
        "timestamp.txt is a symbolic link",
    ),
    "symlink to passwd": ("norms.ipynb", link_to("/etc/passwd"), "norms.ipynb is a symbolic link"),
    "stray symlink to passwd": ("passwd", link_to("/etc/passwd"), "passwd is a symbolic link"),
    "symlink to a folder": ("data", link_to("/"), "data is a symbolic link"),
    "notebook symlink to a folder": ("norms.ipynb", link_to("/"), "norms.ipynb is a symbolic link"),
    "dangling symlink": ("norms.ipynb", link_to("/nowhere"), "norms.ipynb is a symbolic link"),
    "looping symlink": ("norms.ipynb", link_to("norms.ipynb"), "norms.ipynb is a symbolic link"),
    "hard link": ("norms.ipynb", hard_link, "norms.ipynb is a hard link (linked 2 times)"),
    "hard link timestamp": ("timestamp.txt", hard_link, "timestamp.txt is a hard link"),
    "fifo": ("norms.ipynb", fifo, "norms.ipynb is not a regular file (a named pipe)"),
    "stray fifo": ("pipe", fifo, "pipe is not a regular file (a named pipe)"),
}
NAMES = {
    "newline": ("norms\n.ipynb", r"'norms\n.ipynb'"),
    "non-ASCII": ("nörms.ipynb", r"'n\xf6rms.ipynb'"),
    "backslash": ("a\\b", r"'a\\b'"),
    "escape": ("\x1b[2J", r"'\x1b[2J'"),
    "tab": ("norms\t.ipynb", r"'norms\t.ipynb'"),
    "long non-ASCII": ("é" * 120, r"'\xe9\xe9"),
}


@pytest.mark.parametrize("name, make, words", EXTRAS.values(), ids=EXTRAS.keys())
def test_unexpected_entries_are_refused(tmp_path, name, make, words):
    folder = tweaked(tmp_path, name, make)
    refused(folder, words, "(submit only norms.ipynb and timestamp.txt)")


@pytest.mark.parametrize("name, make, words", LINKS.values(), ids=LINKS.keys())
def test_links_and_special_files_are_refused(tmp_path, name, make, words):
    refused(tweaked(tmp_path, name, make), words)


@pytest.mark.parametrize("name, words", NAMES.values(), ids=NAMES.keys())
def test_odd_names_are_refused(tmp_path, name, words):
    folder = tweaked(tmp_path, name, text)
    refused(folder, "the file name", words, "has odd characters")


def test_long_names_keep_the_reason_short(tmp_path):
    folder = tweaked(tmp_path, "b" * 250, text)
    refused(folder, "unexpected file bbbb", "... (submit only")


def test_socket_is_refused(tmp_path, monkeypatch):
    folder = submission(tmp_path)
    monkeypatch.chdir(folder)  # a socket's path must be short
    with socket.socket(socket.AF_UNIX) as server:
        server.bind("timestamp.txt.sock")
        refused(folder, "timestamp.txt.sock is not a regular file (a socket)")


def test_device_is_refused(tmp_path):
    folder = submission(tmp_path)
    try:
        os.mknod(folder / "norms.ipynb.dev", 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    except PermissionError:
        pytest.skip("making a device needs root")
    refused(folder, "norms.ipynb.dev is not a regular file (a device)")


def test_oversized_files_are_refused(tmp_path):
    folder = submission(tmp_path)
    (folder / "attention.ipynb").write_bytes(notebook_bytes())
    (folder / "norms.ipynb").write_bytes(notebook_bytes(cells=3))
    size = (folder / "norms.ipynb").stat().st_size
    total = sum(path.stat().st_size for path in folder.iterdir())
    both = EXPECTED | {"attention.ipynb"}
    fits = dict(notebook_bytes=size + 100, total_bytes=total)
    assert inspect(folder, both, Caps(**fits)).keys() == {*both, "timestamp.txt"}

    with_caps = {
        f"norms.ipynb is larger than the {size - 1} bytes allowed": dict(notebook_bytes=size - 1),
        f"the submission is larger than the {total - 1} bytes allowed": dict(total_bytes=total - 1),
        "timestamp.txt is larger than the 10 bytes allowed": dict(timestamp_bytes=10),
    }
    for words, caps in with_caps.items():
        refused(folder, words, expected=both, caps=Caps(**{**fits, **caps}))


def test_default_caps_are_megabytes(tmp_path):
    folder = submission(tmp_path)
    with open(folder / "norms.ipynb", "wb") as file:
        file.truncate(21 * 2**20)
    refused(folder, "norms.ipynb is larger than the 20 MB allowed")


@pytest.mark.parametrize(
    "content, words",
    [
        (b"\xff\xfe{}", "norms.ipynb is not UTF-8 text"),
        (b'{"cells": [\xe9]}', "norms.ipynb is not UTF-8 text"),
        (b"", "norms.ipynb is not valid JSON (Expecting value, line 1)"),
        (b"[1, 2]", "norms.ipynb is not a valid notebook ("),
        (b'"text"', "norms.ipynb is not a valid notebook ("),
        (b"[" * 100000, "norms.ipynb is not a valid notebook (maximum recursion depth"),
        (b'{"a": ' * 100000, "norms.ipynb is not a valid notebook (maximum recursion depth"),
        (b"{}", "norms.ipynb is not a valid notebook ("),
        (b'{"nbformat": 4, "nbformat_minor": 5}', "norms.ipynb is not a valid notebook ("),
        (b'{"nbformat": 99}', "norms.ipynb is not a valid notebook (Unsupported nbformat"),
        (b'{"nbformat": ' + b"9" * 5000 + b"}", "norms.ipynb is not valid JSON (Exceeds"),
    ],
    ids=[
        "bom16",
        "latin1",
        "empty",
        "list",
        "string",
        "nested lists",
        "nested objects",
        "empty object",
        "no cells",
        "version",
        "huge number",
    ],
)
def test_unreadable_notebooks_are_refused(tmp_path, content, words):
    folder = submission(tmp_path)
    (folder / "norms.ipynb").write_bytes(content)
    refused(folder, words)


def test_truncated_json_names_the_line(tmp_path):
    folder = submission(tmp_path)
    good = (folder / "norms.ipynb").read_bytes()
    cut = good[: good.index(b'"metadata"') + len(b'"metadata": ')]
    (folder / "norms.ipynb").write_bytes(cut)
    line = cut.count(b"\n") + 1
    assert line > 3
    refused(folder, f"norms.ipynb is not valid JSON (Expecting value, line {line})")


@pytest.mark.parametrize(
    "change",
    [
        lambda cell: cell.metadata.update(nbgrader="grade me"),
        lambda cell: cell.metadata.update(nbgrader=["solution"]),
        lambda cell: cell.metadata.update(nbgrader=None),
    ],
    ids=["string", "list", "null"],
)
def test_malformed_cell_metadata_is_refused(tmp_path, change):
    folder = submission(tmp_path)
    nb = new_notebook(cells=[new_code_cell("x = 1"), new_code_cell("y = 2")])
    change(nb.cells[1])
    (folder / "norms.ipynb").write_text(nbformat.writes(nb))
    refused(folder, "norms.ipynb has malformed cell metadata (cell 2)")


def test_nbgrader_metadata_and_list_sources_are_fine(tmp_path):
    folder = submission(tmp_path)
    cell = new_code_cell(["x = 1\n", "y = 2\n"])
    cell.metadata.nbgrader = {"solution": True, "grade": False, "grade_id": "a", "locked": False}
    (folder / "norms.ipynb").write_text(nbformat.writes(new_notebook(cells=[cell])))
    assert inspect(folder, EXPECTED).keys() == {"norms.ipynb", "timestamp.txt"}


@pytest.mark.parametrize(
    "content, words",
    [
        (b"next tuesday", "timestamp.txt does not hold a date (ParserError in 'next tuesday')"),
        (b"", "timestamp.txt does not hold a date (it has 0 lines, not 1)"),
        (STAMP + b"\n" + STAMP, "timestamp.txt does not hold a date (it has 2 lines, not 1)"),
        (b"2026-11-20\r\n09:00:00", "timestamp.txt does not hold a date (it has 2 lines"),
        (b"2026-11-20 09:00:00 /dev/zero", "(unexpected characters in '2026-11-20 09:00:00 /"),
        (b"\xff\xfe", "timestamp.txt is not UTF-8 text"),
    ],
    ids=["words", "empty", "two stamps", "split", "path as zone", "not utf-8"],
)
def test_bad_timestamps_are_refused(tmp_path, content, words):
    folder = submission(tmp_path)
    (folder / "timestamp.txt").write_bytes(content)
    refused(folder, words)


def test_timestamp_with_a_final_newline_is_fine(tmp_path):
    folder = submission(tmp_path)
    (folder / "timestamp.txt").write_bytes(STAMP + b"\n")
    assert inspect(folder, EXPECTED)["timestamp.txt"] == STAMP + b"\n"


def test_the_folder_itself_must_be_a_real_folder(tmp_path):
    folder = submission(tmp_path)
    link = folder.parent / "norms-link"
    link.symlink_to(folder)
    refused(link, "the submission folder is a symbolic link")
    refused(f"{link}//", "the submission folder is a symbolic link")
    assert fingerprint(f"{link}/", EXPECTED) == fingerprint(link, EXPECTED)
    assert fingerprint(f"{folder}/", EXPECTED) == fingerprint(folder, EXPECTED)
    refused(folder / "norms.ipynb", "the submission is not a folder")
    refused(folder.parent / "missing", "the submission folder cannot be read")


@pytest.mark.parametrize("keep", [[], ["timestamp.txt"]], ids=["empty", "timestamp only"])
def test_no_notebook_is_refused(tmp_path, keep):
    folder = submission(tmp_path)
    for path in folder.iterdir():
        if path.name not in keep:
            path.unlink()
    refused(folder, "no notebook was submitted (expected norms.ipynb)")
    refused(
        folder, "(expected attention.ipynb or norms.ipynb)", expected=EXPECTED | {"attention.ipynb"}
    )


def test_fingerprint_follows_changes(tmp_path):
    folder = submission(tmp_path)
    before = fingerprint(folder, EXPECTED)
    assert fingerprint(folder, EXPECTED) == before
    assert len(before) == 64 and int(before, 16) >= 0

    stamp = folder / "timestamp.txt"
    info = stamp.stat()
    os.utime(stamp, ns=(info.st_atime_ns, info.st_mtime_ns + 1))
    touched = fingerprint(folder, EXPECTED)
    assert touched != before

    (folder / "norms.ipynb").write_bytes(notebook_bytes(cells=2))
    rewritten = fingerprint(folder, EXPECTED)
    assert rewritten != touched

    (folder / "stray.py").write_text("")
    assert fingerprint(folder, EXPECTED) != rewritten
    (folder / "stray.py").unlink()
    assert fingerprint(folder, EXPECTED) == rewritten


def test_fingerprint_never_raises(tmp_path):
    folder = submission(tmp_path)
    plain = fingerprint(folder, EXPECTED)
    os.mkfifo(folder / "pipe")
    (folder / "loop").symlink_to("loop")
    (folder / "bad\nname").write_text("")
    (folder / "sub").mkdir()
    assert fingerprint(folder, EXPECTED) != plain
    link = folder.parent / "link"
    link.symlink_to(folder)
    assert fingerprint(link, EXPECTED) != fingerprint(folder, EXPECTED)
    assert fingerprint(tmp_path / "missing", EXPECTED) != fingerprint(folder, EXPECTED)


def test_fingerprint_opens_no_file(tmp_path, monkeypatch):
    folder = submission(tmp_path)
    os.mkfifo(folder / "pipe")  # opening it would block

    def forbidden(*args, **kwargs):
        raise AssertionError("fingerprint opened a file")

    monkeypatch.setattr(builtins, "open", forbidden)
    monkeypatch.setattr(os, "open", forbidden)
    fingerprint(folder, EXPECTED)


def test_read_regular_reads_a_regular_file(tmp_path):
    path = tmp_path / "graded.ipynb"
    path.write_bytes(b"x" * 10)
    assert read_regular(path, 10) == b"x" * 10
    assert read_regular(str(path), 100) == b"x" * 10


@pytest.mark.parametrize(
    "make, words",
    [
        (link_outside, "graded.ipynb is a symbolic link"),
        (link_to("/etc/passwd"), "graded.ipynb is a symbolic link"),
        (fifo, "graded.ipynb is not a regular file (a named pipe)"),
        (directory, "graded.ipynb is not a regular file"),
        (hard_link, "graded.ipynb is a hard link (linked 2 times)"),
        (lambda p, t: p.write_bytes(b"x" * 11), "graded.ipynb is larger than the 10 bytes allowed"),
        (lambda p, t: None, "graded.ipynb cannot be read (No such file or directory)"),
    ],
    ids=["symlink", "symlink to passwd", "fifo", "folder", "hard link", "too large", "missing"],
)
def test_read_regular_refuses(tmp_path, make, words):
    path = tmp_path / "graded.ipynb"
    make(path, tmp_path)
    with pytest.raises(Refused) as info:
        read_regular(path, 10)
    assert words in str(info.value) and str(tmp_path) not in str(info.value)


def test_read_regular_stops_at_the_cap_when_size_lies(tmp_path):
    proc = "/proc/self/status"  # reports st_size 0 but holds more
    if not os.path.exists(proc):
        pytest.skip("needs /proc")
    with pytest.raises(Refused, match="status is larger than the 10 bytes allowed"):
        read_regular(proc, 10)
    assert read_regular(proc, 2**20)


def test_intake_does_not_import_torch(root):
    code = (
        "import importlib.util, sys\n"
        "s = importlib.util.spec_from_file_location('intake', 'autograder/grading/intake.py')\n"
        "m = importlib.util.module_from_spec(s); s.loader.exec_module(m)\n"
        "assert 'torch' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=root, check=True)
