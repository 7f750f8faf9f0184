"""Starting ``release serve`` for a test: a real process on a free port, and a real HTTP client for it."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
URL_LINE = re.compile(r"on (http://127\.0\.0\.1:(\d+)) ")
START_TIMEOUT_SECONDS = 60


@dataclass
class Served:
    process: subprocess.Popen[str]
    url: str

    @property
    def port(self) -> int:
        return int(self.url.rsplit(":", 1)[1])

    def stop(self, sig: int = signal.SIGINT) -> tuple[int, str]:
        """Stop it with ``sig`` (Ctrl-C by default); its exit code and everything it wrote to stderr."""
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            _, err = self.process.communicate(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return self.process.returncode, err


def start_server(*argv: str) -> Served:
    """``release serve --port 0 ARGV...`` in a child process; returns once it printed its URL."""
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1"}
    env.pop("AWS_ENDPOINT_URL", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "release_cli", "serve", "--port", "0", *argv],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        ready, _, _ = select.select([process.stdout], [], [], 0.5)
        if ready:
            line = process.stdout.readline()
            found = URL_LINE.search(line)
            if found:
                return Served(process, found.group(1))
        if process.poll() is not None:
            break
    process.kill()
    _, err = process.communicate()
    raise AssertionError(f"release serve did not start: {err}")


@dataclass(frozen=True)
class Reply:
    status: int
    headers: Any
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def request(
    url: str, method: str = "GET", body: bytes | str | None = None, headers: dict[str, str] | None = None
) -> Reply:
    """One request with urllib; HTTP errors are replies too."""
    data = body.encode("utf-8") if isinstance(body, str) else body
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=30) as response:
            return Reply(response.status, response.headers, response.read())
    except urllib.error.HTTPError as err:
        return Reply(err.code, err.headers, err.read())


@pytest.fixture(scope="module")
def dev_template(synthesized: Any) -> Path:
    from release_cli.local_invoke import template_path

    return Path(template_path("dev", cdk_out=synthesized.outdir))


@pytest.fixture(scope="module")
def served(dev_template: Path) -> Iterator[Served]:
    """One server for the module, on the synthesized dev template (the real stage's routes and tables)."""
    server = start_server("--template", str(dev_template))
    yield server
    server.stop()
