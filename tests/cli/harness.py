"""What the CLI contract tests share: a lab on the session's moto server built once per module, and a
runner that calls ``release_cli.cli.main`` in-process and captures everything it says.

A command that should have refused its input but went on to serve HTTP would hang the test run:
``no_serving`` replaces the local server's factory so that acceptance fails the case at once.
"""

from __future__ import annotations

import contextlib
import io
import json
import traceback
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from tests.release_ops.conftest import REGION, Lab, new_lab


@dataclass(frozen=True)
class Outcome:
    code: int
    out: str
    err: str

    def json(self) -> Any:
        return json.loads(self.out)


def run_release(*argv: Any) -> Outcome:
    """``release argv...`` in-process; argparse's ``SystemExit`` becomes its code, and an exception that
    escapes ``main`` is written to stderr as the interpreter would (so a test sees the "Traceback")."""
    from release_cli.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as stop:
            code = stop.code if isinstance(stop.code, int) else 1
        except Exception:  # the point: what a user would see
            err.write(traceback.format_exc())
            code = 1
    return Outcome(code=int(code), out=out.getvalue(), err=err.getvalue())


@contextlib.contextmanager
def moto_lab(moto_endpoint: str) -> Iterator[Lab]:
    """The seed's set-up (versions 1 and 2, prod -> 1, staging -> 2) with the AWS environment pointed at
    moto for as long as the context lasts (a module fixture cannot use the function-scoped ``monkeypatch``)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_ENDPOINT_URL", moto_endpoint)
        patch.setenv("AWS_ACCESS_KEY_ID", "testing")
        patch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
        patch.setenv("AWS_DEFAULT_REGION", REGION)
        patch.delenv("AWS_REGION", raising=False)
        lab = new_lab("contract")
        lab.publish("v1", description="v1.0.0")
        lab.publish("v2", description="v1.1.0")
        lab.alias("prod", "1")
        lab.alias("staging", "2")
        yield lab


class ServedBadInput(AssertionError):
    """``release serve`` accepted input it should have refused and was about to listen."""


def no_serving(*_: Any, **__: Any) -> Any:
    raise ServedBadInput("serve accepted the input and was about to listen")
