"""The version of a function's code folder, for ``release serve --reload``: what changed since the last look.

Polled per request rather than watched: the standard library has no file watcher, a request is the only
moment the answer matters, and a function's folder holds a few dozen files (a walk takes well under a
millisecond). The version is every file's path, size and modification time in nanoseconds, so an
edit, a new file, a deletion or a rename all change it; ``__pycache__`` folders (written by imports,
not by people) and hidden files and folders (editor swap files, ``.git``) do not count.
"""

from __future__ import annotations

import os
from pathlib import Path

CodeVersion = tuple[tuple[str, int, int], ...]


def code_version(folder: Path) -> CodeVersion:
    """``(relative path, size, mtime_ns)`` of every file under ``folder``, sorted."""
    found: list[tuple[str, int, int]] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [name for name in dirs if name != "__pycache__" and not name.startswith(".")]
        for name in files:
            if name.startswith("."):
                continue
            path = os.path.join(root, name)
            try:
                stat = os.stat(path)
            except FileNotFoundError:  # deleted while we looked: the next look sees it gone
                continue
            found.append((os.path.relpath(path, folder), stat.st_size, stat.st_mtime_ns))
    return tuple(sorted(found))
