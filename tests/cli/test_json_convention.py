"""One JSON convention for every command (issue 14): camelCase keys at any depth, the shape its
``--help`` states, and the error object on stdout when a ``--json`` run fails.

Each command's real ``--json`` output is produced against the session's moto server (invoke and smoke
through botocore's Stubber with Lambda's Invoke answers: moto runs no code), or offline (local,
review). The rule for keys that are data is ``release_cli.ops.output.JSON_DATA_KEYS``: below those
keys the convention stops (version numbers, AWS requests as sent, the handler's response).
The shape is read from the command's module docstring (what ``--help`` shows) by ``json_shape``.

Review's ``--format json`` belongs to another part of issue 14; its cases are ``xfail(strict=True)``
so they fail loudly once that part merges.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from release_cli.commands import invoke as invoke_command
from release_cli.commands import smoke as smoke_command
from release_cli.ops.output import JSON_DATA_KEYS
from service_model import naming
from tests.cli.harness import run_release
from tests.cli.json_shape import documented_shape, shape_text
from tests.conftest import ROOT, Synthesized
from tests.release_ops.conftest import REGION, Lab, create_pk_sk_table
from tests.release_ops.test_smoke_invoke import FUNCTION, recorded, stubbed_context

CAMEL = re.compile(r"^[a-z][a-zA-Z0-9]*$")
BASELINE = ROOT / "baselines" / "dev.template.json"

REVIEW = "review's JSON (issue 14 'JSON: review --format json uses snake_case keys'), fixed by the review part"
OWNED_ELSEWHERE: dict[tuple[str, str], str] = {}
"""Known failures in another part's files (empty since the parts merged; strict xfail if one returns)."""
STATED_ELSEWHERE = {
    "review": "review's --format json shape is a JSON sketch, checked key by key against real output in "
    "tests/review/test_review_fails_closed.py::test_review_help_states_every_json_key",
}


def module_doc(command: str) -> str:
    return importlib.import_module(f"release_cli.commands.{command.replace('-', '_')}").__doc__ or ""


def non_camel_keys(document: Any, path: str = "$") -> list[str]:
    """Every key (as a JSON path) that breaks the convention, not looking below ``JSON_DATA_KEYS``."""
    found: list[str] = []
    if isinstance(document, dict):
        for key, value in document.items():
            if not CAMEL.match(str(key)):
                found.append(f"{path}.{key}")
            if key not in JSON_DATA_KEYS:
                found += non_camel_keys(value, f"{path}.{key}")
    elif isinstance(document, list):
        for index, item in enumerate(document):
            found += non_camel_keys(item, f"{path}[{index}]")
    return found


def shape_mismatches(shape: Any, document: Any, path: str = "$") -> list[str]:
    """Where the document's keys differ from the documented ones (only as deep as the help describes)."""
    if isinstance(shape, list):
        items = document if isinstance(document, list) else [document]
        return [m for index, item in enumerate(items) for m in shape_mismatches(shape[0], item, f"{path}[{index}]")]
    if not isinstance(shape, dict) or not isinstance(document, dict):
        return []
    problems = [f"{path}.{key}: in the output, not in --help" for key in document if key not in shape]
    problems += [f"{path}.{key}: in --help, not in the output" for key in shape if key not in document]
    for key, nested in shape.items():
        if nested is not None and key in document and key not in JSON_DATA_KEYS:
            problems += shape_mismatches(nested, document[key], f"{path}.{key}")
    return problems


def invoke_answer(version: str = "2") -> dict[str, Any]:
    return recorded("GetOrderStatusUnknown", version)


def orders_table(lab: Lab) -> str:
    name = f"orders-{lab.table}"
    create_pk_sk_table(lab.ddb, name)
    return name


Producer = Callable[[Lab, pytest.MonkeyPatch, Synthesized], Iterator[Any]]


def status_documents(lab: Lab, monkeypatch: pytest.MonkeyPatch, synthesized: Synthesized) -> Iterator[Any]:
    yield run_release("status", *lab.target_args(), "--json").json()


def invoke_documents(lab: Lab, monkeypatch: pytest.MonkeyPatch, synthesized: Synthesized) -> Iterator[Any]:
    stub = stubbed_context(monkeypatch, invoke_command, None)
    stub.add_response("invoke", invoke_answer())
    yield run_release("invoke", "GetOrderStatusUnknown", "--function", FUNCTION, "--alias", "prod", "--json").json()


def smoke_documents(lab: Lab, monkeypatch: pytest.MonkeyPatch, synthesized: Synthesized) -> Iterator[Any]:
    stub = stubbed_context(monkeypatch, smoke_command, {"version": "2", "weights": {"1": 0.1}})
    for _ in range(2):
        stub.add_response("invoke", invoke_answer())
    chosen = Path.cwd() / "events"  # one production-safe event, run twice
    chosen.mkdir()
    (chosen / "GetOrderStatusUnknown.json").write_text(
        (ROOT / "test_events" / "GetOrderStatusUnknown.json").read_text()
    )
    yield run_release(
        "smoke", "--function", FUNCTION, "--alias", "prod", "--events-dir", chosen, "--repeat", "2", "--json"
    ).json()


def move_documents(command: str) -> Producer:
    argv = {
        "canary": ["--alias", "staging", "--version", "1", "--weight", "0.1"],
        "promote": ["--alias", "staging", "--to", "1"],
        "rollback": ["--alias", "prod", "--to", "2"],
    }[command]

    def produce(lab: Lab, monkeypatch: pytest.MonkeyPatch, synthesized: Synthesized) -> Iterator[Any]:
        yield run_release(command, *lab.target_args(), *argv, "--dry-run", "--json").json()
        done = run_release(command, *lab.target_args(), *argv, "--yes", "--reason", "json convention", "--json")
        assert done.code == 0, done.err
        yield done.json()

    return produce


def prune_documents(lab: Lab, monkeypatch: pytest.MonkeyPatch, synthesized: Synthesized) -> Iterator[Any]:
    lab.publish("v3")
    yield run_release("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--json").json()
    lab.lam.update_alias(FunctionName=lab.function, Name="staging", FunctionVersion="3")
    applied = run_release("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--apply", "--yes", "--json")
    assert applied.code == 0, applied.err
    yield applied.json()


def audit_documents(lab: Lab, monkeypatch: pytest.MonkeyPatch, synthesized: Synthesized) -> Iterator[Any]:
    moved = run_release("promote", *lab.target_args(), "--alias", "staging", "--to", "1", "--yes")
    assert moved.code == 0, moved.err
    yield run_release("audit", *lab.target_args(), "--alias", "staging", "--json").json()
    lab.publish("v3")
    pruned = run_release("prune", *lab.target_args(), "--keep", "1", "--no-stack", "--apply", "--yes")
    assert pruned.code == 0, pruned.err
    yield run_release("audit", *lab.target_args(), "--prunes", "--json").json()


def local_documents(lab: Lab, monkeypatch: pytest.MonkeyPatch, synthesized: Synthesized) -> Iterator[Any]:
    template = synthesized.outdir / f"{naming.stack_name('dev')}.template.json"
    yield run_release(
        "local", "GetOrderStatusUnknown", "UnknownAction", "--function", "order-api", "--template", template, "--json"
    ).json()


def seed_documents(lab: Lab, monkeypatch: pytest.MonkeyPatch, synthesized: Synthesized) -> Iterator[Any]:
    yield run_release("seed-data", "--stage", "dev", "--table", orders_table(lab), "--json").json()


def review_documents(lab: Lab, monkeypatch: pytest.MonkeyPatch, synthesized: Synthesized) -> Iterator[Any]:
    result = run_release("review", "--old", BASELINE, "--new", BASELINE, "--format", "json")
    yield result.json()


def analyze_documents(lab: Lab, monkeypatch: pytest.MonkeyPatch, synthesized: Synthesized) -> Iterator[Any]:
    """A weighted alias with no traffic yet (INCONCLUSIVE, exit 3, still one document); moto has no
    percentiles (tests/release_ops/test_analyze.py), so the duration read finds none."""
    from release_cli.ops import canary_metrics
    from tests.release_ops.test_analyze import moto_has_no_percentiles

    monkeypatch.setattr(canary_metrics, "read_durations", moto_has_no_percentiles)
    lab.alias("json-canary", "1", {"2": 0.1})
    result = run_release("analyze", *lab.target_args(), "--alias", "json-canary", "--json")
    assert result.code == 3, result.err
    yield result.json()


PRODUCERS: dict[str, Producer] = {
    "analyze": analyze_documents,
    "status": status_documents,
    "invoke": invoke_documents,
    "smoke": smoke_documents,
    "canary": move_documents("canary"),
    "promote": move_documents("promote"),
    "rollback": move_documents("rollback"),
    "prune": prune_documents,
    "audit": audit_documents,
    "local": local_documents,
    "seed-data": seed_documents,
    "review": review_documents,
}


def json_commands() -> list[str]:
    """Every command whose parser has --json or --format json (found, not listed)."""
    import argparse

    from release_cli.cli import build_parser

    subparsers = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    found = []
    for name, parser in subparsers.choices.items():
        for action in parser._actions:
            if "--json" in action.option_strings or ("--format" in action.option_strings and "json" in action.choices):
                found.append(name)
    return sorted(set(found))


def marked(check: str) -> list[Any]:
    return [
        pytest.param(
            command,
            marks=[pytest.mark.xfail(strict=True, reason=OWNED_ELSEWHERE[(check, command)])]
            if (check, command) in OWNED_ELSEWHERE
            else [],
        )
        for command in json_commands()
    ]


@pytest.fixture
def documents(
    lab: Lab, monkeypatch: pytest.MonkeyPatch, synthesized: Synthesized, tmp_path: Path
) -> Callable[[str], list[Any]]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", REGION)
    monkeypatch.chdir(tmp_path)
    return lambda command: list(PRODUCERS[command](lab, monkeypatch, synthesized))


def test_every_json_command_has_a_producer() -> None:
    assert sorted(PRODUCERS) == json_commands()


@pytest.mark.parametrize("command", marked("keys"))
def test_every_key_is_camel_case(command: str, documents: Callable[[str], list[Any]]) -> None:
    produced = documents(command)
    assert produced and all(not (isinstance(d, dict) and "error" in d) for d in produced), produced
    assert [key for document in produced for key in non_camel_keys(document)] == []


@pytest.mark.parametrize("command", [c for c in marked("help") if c.values[0] not in STATED_ELSEWHERE])
def test_help_states_the_json_shape_the_command_prints(command: str, documents: Callable[[str], list[Any]]) -> None:
    shape = documented_shape(module_doc(command), module_doc)
    assert shape is not None, f"release {command} --help states no JSON shape ('--json: {{...}}')"
    produced = documents(command)
    assert [problem for document in produced for problem in shape_mismatches(shape, document)] == []


def test_the_rule_for_data_keys_is_what_the_walk_uses() -> None:
    """Keys below a data key are not names: a version map and an AWS request pass, a snake_case name fails."""
    document = {"toWeights": {"2": 0.1}, "calls": [{"call": "x", "request": {"FunctionName": "f"}}]}
    assert non_camel_keys(document) == []
    assert non_camel_keys({"dry_run": True, "to": {"Version": "1"}}) == ["$.dry_run", "$.to.Version"]
    assert shape_text("x ``--json``: {a (note: b, c), d: [{e}]}. Exit") == "{a , d: [{e}]}"
