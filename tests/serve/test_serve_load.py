"""``release serve`` as a team uses it: 50 clients at once, on kept-alive connections and on a new
connection per request, all answered (no reset, no 5xx) and nothing dropped in the server's log;
``--concurrency`` checked before anything listens."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import CliResult
from tests.serve.conftest import Served, start_server
from tests.serve.order_traffic import order_request

CLIENTS = 50
PER_CLIENT = 4
CREATE = json.dumps({"customerId": "CUST-001", "items": [{"productId": "PROD-A", "quantity": 1}]})
DROPS = ("connection error", "connection closed", "accept failed", "listen queue full", "function error")


@pytest.fixture(scope="module")
def server(dev_template: Path) -> Iterator[Served]:
    served = start_server("--template", str(dev_template))
    yield served
    served.stop()


def clients(port: int, *, keep_alive: bool) -> list[str]:
    """CLIENTS clients at once, PER_CLIENT requests each (creates and status reads); what went wrong."""
    problems: list[str] = []
    start = threading.Barrier(CLIENTS)

    def client(index: int) -> None:
        start.wait()
        conn = None
        for n in range(PER_CLIENT):
            try:
                conn = conn or http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                status = order_request(conn, create_body=CREATE.encode() if (index + n) % 2 else None)
                if status != 200:
                    problems.append(f"HTTP {status}")
            except OSError as err:
                problems.append(f"{type(err).__name__}: {err}")
                conn = None
            if not keep_alive and conn is not None:
                conn.close()
                conn = None
        if conn is not None:
            conn.close()

    threads = [threading.Thread(target=client, args=(index,)) for index in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return problems


def test_fifty_clients_are_all_answered_and_nothing_is_dropped(server: Served) -> None:
    assert clients(server.port, keep_alive=True) == []
    assert clients(server.port, keep_alive=False) == []
    code, err = server.stop()
    assert code == 0
    assert "concurrency: up to 4 execution environments, one request each, more requests wait" in err
    assert [line for line in err.splitlines() if any(drop in line for drop in DROPS)] == []
    assert sum(1 for line in err.splitlines() if '" 200 ' in line) == 2 * CLIENTS * PER_CLIENT


@pytest.mark.parametrize("given", ["0", "-2"])
def test_concurrency_below_one_is_refused(given: str, tmp_path: Path, run_cli: Callable[..., CliResult]) -> None:
    result = run_cli("serve", "--concurrency", given, "--template", tmp_path / "none.json", "--port", "0")
    assert result.code == 2
    assert f"--concurrency {given}: give 1 or more environments" in result.err


def test_help_states_the_concurrency_model_and_reload(capsys: pytest.CaptureFixture[str]) -> None:
    from release_cli.cli import main

    with pytest.raises(SystemExit):
        main(["serve", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for words in ("--concurrency N", "(default 4)", "waits for one to be free", "--reload", "502", "holds 128"):
        assert words in text, words
