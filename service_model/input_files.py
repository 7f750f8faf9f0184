"""Reading a file a user named (or a default one), with one kind of error for every way that fails.

Every command reports a file problem the same way, ``error: <path>: <problem>`` and exit code 2
(bad input), never a traceback and never exit 1, which the CLI keeps for a failed check (danger,
a refused move). ``read_text`` and ``read_bytes`` turn each ``OSError`` and a non-UTF-8 file into
``InputFileError`` naming the path and the problem in words; ``describe_os_error`` does the same
for an ``OSError`` raised elsewhere. Standard library only: the CDK side and the CLI both use it.
"""

from __future__ import annotations

import errno
from pathlib import Path

_PROBLEMS = {
    errno.ENOENT: "no such file",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.EISDIR: "is a directory, not a file",
    errno.ENOTDIR: "a part of the path is not a directory",
    errno.ENAMETOOLONG: "file name too long",
    errno.ELOOP: "too many levels of symbolic links",
}


class InputFileError(ValueError):
    """A file could not be read (or written) as the command needs it; ``str()`` is ``<path>: <problem>``."""

    def __init__(self, path: Path | str, problem: str) -> None:
        super().__init__(f"{path}: {problem}")
        self.path = str(path)
        self.problem = problem


def describe_os_error(err: OSError) -> str:
    """The problem in words: a known errno's phrase, else the system's own message."""
    return _PROBLEMS.get(err.errno or 0, err.strerror or str(err))


def read_bytes(path: Path, *, what: str = "file") -> bytes:
    """The file's bytes; ``InputFileError`` names ``what`` (for example "allowance file") and the problem."""
    try:
        return path.read_bytes()
    except OSError as err:
        raise InputFileError(path, f"{what}: {describe_os_error(err)}") from None


def read_text(path: Path, *, what: str = "file") -> str:
    """The file as UTF-8 text; a non-UTF-8 file names the offset of the first bad byte."""
    data = read_bytes(path, what=what)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        bad = data[err.start : err.start + 1].hex()
        raise InputFileError(path, f"{what}: not UTF-8 text (byte 0x{bad} at offset {err.start})") from None
