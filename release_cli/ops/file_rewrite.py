"""Replace a file the user owns with new content, as an editor saving it would: nothing else changes.

Used by ``status --pin`` on ``stages.toml``. Three guarantees:

1. **Atomic.** The new content is written to a temporary file beside the real one, flushed to disk,
   then renamed over it: a reader sees the old file or the new one, never half of either, and a
   failure leaves the old file as it was (the temporary file is removed).
2. **The link stays a link.** A symlinked ``stages.toml`` (a shared config checked out elsewhere) is
   written through: its target gets the new content, the link itself is untouched. Renaming over the
   link's path would have replaced the link with a plain file.
3. **The mode stays.** ``mkstemp`` creates files readable by their owner only (0600); the new file gets
   the old one's permission bits before the rename, so a 0644 file stays readable by the team.

Line endings and encoding are the caller's: the bytes given are the bytes written.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path


def rewrite(path: Path, data: bytes) -> None:
    """Atomically give ``path`` (or the file its symlinks lead to) the content ``data``, keeping its mode."""
    real = Path(os.path.realpath(path))
    mode = stat.S_IMODE(real.stat().st_mode)
    handle, temporary = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, mode)
        os.replace(temporary, real)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
