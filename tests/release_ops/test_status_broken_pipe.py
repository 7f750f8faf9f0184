"""``release status | head``: when the reader goes away, ``release`` exits quietly with 141 (128 +
SIGPIPE, what a Unix tool killed by SIGPIPE reports), never with a BrokenPipeError traceback.

A real process against the session's moto server, its stdout a real pipe: once with a reader that
closed before anything was written, once with a reader that takes the first line and closes while
``status`` is still writing (the pipe is shrunk to one page so the output outlasts it).
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys

import pytest

from service_model.project import project_root
from tests.release_ops.conftest import Lab, new_lab

EXIT_BROKEN_PIPE = 141


def status_lab() -> Lab:
    lab = new_lab()
    for n in range(40):
        lab.publish(f"code {n}", description=f"release 1.{n}.0 with a description long enough to fill lines")
    lab.alias("prod", "40")
    return lab


def start_status(lab: Lab, stdout: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "release_cli", "status", "--function", lab.function, "--json"],
        cwd=project_root(),
        stdout=stdout,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )


def assert_quiet_exit(process: subprocess.Popen[bytes]) -> None:
    _, err = process.communicate(timeout=60)
    text = err.decode(errors="replace")
    assert "Traceback" not in text and "BrokenPipeError" not in text and "Exception ignored" not in text, text
    assert process.returncode == EXIT_BROKEN_PIPE, text


def test_a_reader_that_closed_before_any_output(aws_env: str) -> None:
    lab = status_lab()
    read_end, write_end = os.pipe()
    os.close(read_end)  # nobody will ever read: the first write fails
    try:
        process = start_status(lab, write_end)
    finally:
        os.close(write_end)
    assert_quiet_exit(process)


@pytest.mark.skipif(not hasattr(fcntl, "F_SETPIPE_SZ"), reason="shrinking a pipe needs Linux's F_SETPIPE_SZ")
def test_a_reader_that_takes_the_first_line_and_closes(aws_env: str) -> None:
    lab = status_lab()
    read_end, write_end = os.pipe()
    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, 4096)  # one page: the JSON (~10 KB) cannot fit in it
    try:
        process = start_status(lab, write_end)
    finally:
        os.close(write_end)
    with os.fdopen(read_end, "rb") as reader:
        assert reader.readline() == b"{\n"  # what `head -n 1` would print
    assert_quiet_exit(process)
