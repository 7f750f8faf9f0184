"""``release local -e FILE``: any event file, as SAM users expect, and a run that says what it used."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from release_cli.cli import main
from service_model.test_events import TestEventError, load_event_file
from tests.conftest import ROOT
from tests.order_api.conftest import TEMPLATE


def local(tmp_path: Path, *argv: str) -> int:
    template = tmp_path / "template.json"
    template.write_text(json.dumps(TEMPLATE))
    return main(["local", "--template", str(template), "--alias", "dev", "--quiet", *argv])


def test_a_bare_payload_runs_with_no_expectation(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = tmp_path / "status.json"
    payload.write_text(json.dumps({"action": "status", "orderId": "ORD-404"}))
    assert local(tmp_path, "-e", str(payload)) == 0
    out = capsys.readouterr().out
    assert out.startswith("RAN      status ")
    assert "0 matched, 0 did not, 1 ran with no expectation" in out


def test_a_test_event_document_with_any_file_name_is_judged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    document = json.loads((ROOT / "test_events" / "GetOrderStatus.json").read_text())
    document["expected"]["statusCode"] = 299  # an expectation the handler cannot meet
    path = tmp_path / "my-copy.json"
    path.write_text(json.dumps(document))
    assert local(tmp_path, "-e", str(path)) == 1
    assert "MISMATCH GetOrderStatus" in capsys.readouterr().out


def test_named_events_and_files_run_together(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    payload = tmp_path / "extra.json"
    payload.write_text(json.dumps({"action": "status", "orderId": "ORD-1"}))
    assert local(tmp_path, "GetOrderStatus", "-e", str(payload)) == 0
    assert [line.split()[1] for line in capsys.readouterr().out.splitlines()[:2]] == ["GetOrderStatus", "extra"]


def test_the_run_says_which_stage_alias_and_template_it_used(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert local(tmp_path, "GetOrderStatus") == 0
    assert capsys.readouterr().err.startswith(
        f"stage dev, function order-api, alias dev, template {tmp_path / 'template.json'}"
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [(None, "cannot read the event file"), ("{oops", "not valid JSON"), ("[1, 2]", "must be a JSON object, got list")],
)
def test_bad_event_files_are_named(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "event.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(TestEventError, match=message):
        load_event_file(path)


def test_a_bad_event_file_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert local(tmp_path, "-e", str(tmp_path / "missing.json")) == 2
    assert "missing.json: cannot read the event file" in capsys.readouterr().err
