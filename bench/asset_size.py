"""Zipped size of the Order API's code asset (``lambda_src/order_api``), as Lambda would receive it.

Zips the folder the way the CDK asset does (every file, deflate), skipping ``__pycache__`` (the CDK
app excludes it too). Target (issue 3): under 30 KB.

    python bench/asset_size.py
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ASSETS = {"order_api": ROOT / "lambda_src" / "order_api", "pre_traffic_hook": ROOT / "lambda_src" / "pre_traffic_hook"}
TARGET_BYTES = 30 * 1024


def zipped_size(folder: Path) -> tuple[int, int, int]:
    """(files, raw bytes, zipped bytes)."""
    buffer = io.BytesIO()
    files = raw = 0
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in sorted(folder.rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                archive.write(path, path.relative_to(folder).as_posix())
                files += 1
                raw += path.stat().st_size
    return files, raw, len(buffer.getvalue())


def main() -> int:
    over = False
    for name, folder in ASSETS.items():
        files, raw, zipped = zipped_size(folder)
        target = f"(target < {TARGET_BYTES // 1024} KB)" if name == "order_api" else ""
        print(f"{name:17} {files:3} files  {raw / 1024:6.1f} KB raw  {zipped / 1024:6.1f} KB zipped {target}")
        over = over or (name == "order_api" and zipped >= TARGET_BYTES)
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
