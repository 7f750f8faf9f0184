"""What ``release prune`` prints, line by line: the text plan and result people read, the ``--json``
document tools read (every key, the storage freed by what was really deleted), the versions skipped
across batches, and the ``aws dynamodb put-item`` a failed record write prints (its table too).

A version an alias takes between the plan and the deletes is driven as in test_prune_audit.py: an
alias is created right after the plan step (moto would delete an aliased version, so only prune's
re-read keeps it).
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from release_cli.ops.output import human_bytes
from tests.release_ops.aws_hooks import hook_cli_clients
from tests.release_ops.conftest import Lab
from tests.release_ops.self_signal import send_guarded
from tests.release_ops.test_audit_preflight import REASON, _fail_real_writes, _paste, _printed_command

PLAN_HEADING = "plan: with --apply these calls would be made, in this order (nothing was changed):"


def _sizes(lab: Lab) -> dict[str, int]:
    raw = lab.lam.list_versions_by_function(FunctionName=lab.function)["Versions"]
    return {v["Version"]: int(v["CodeSize"]) for v in raw}


def _cells(line: str) -> list[str]:
    """One row of an aligned text table: columns are two or more spaces apart."""
    return re.split(r"\s{2,}", line.strip())


def _race(monkeypatch: pytest.MonkeyPatch, lab: Lab, **aliases: str) -> None:
    """Right after prune planned, create ``aliases`` (name -> version): they take planned versions."""
    from release_cli.commands import prune

    planned = prune.plan_prune

    def plan_then_race(*args: Any, **kwargs: Any) -> Any:
        plan = planned(*args, **kwargs)
        for name, version in aliases.items():
            lab.alias(name, version)
        return plan

    monkeypatch.setattr(prune, "plan_prune", plan_then_race)


def _prune(run_cli: Any, lab: Lab, *extra: str) -> Any:
    return run_cli("prune", *lab.target_args(), "--keep", "1", "--no-stack", *extra)


def test_the_text_plan_lists_each_version_to_go_and_every_kept_version_in_number_order(lab: Lab, run_cli) -> None:
    """Versions 3..9 go (3 has no description: ``-``); 10 and 11 stay for an alias and for being the
    newest (11 for both reasons, joined by ``; ``); the kept list is in number order (10 after 2)."""
    lab.publish("v3")
    for n in range(4, 12):
        lab.publish(f"v{n}", description=f"v1.{n}.0")
    lab.alias("canary", "10")
    lab.alias("beta", "11")
    sizes = _sizes(lab)
    result = _prune(run_cli, lab)
    assert result.code == 0, result.err
    report, plan = result.out.split(f"\n\n{PLAN_HEADING}\n")
    lines = report.splitlines()
    gone = [str(n) for n in range(3, 10)]
    assert lines[0] == (
        f"{lab.function}: would delete 7 version(s), {human_bytes(sum(sizes[n] for n in gone))} of code storage freed"
    )
    assert _cells(lines[1]) == ["version", "size", "description"]
    assert [_cells(line) for line in lines[2:9]] == [
        [n, human_bytes(sizes[n]), "-" if n == "3" else f"v1.{n}.0"] for n in gone
    ]
    assert lines[9:11] == ["", "kept:"]
    assert _cells(lines[11]) == ["version", "why"]
    assert [_cells(line) for line in lines[12:]] == [
        ["1", "alias prod"],
        ["2", "alias staging"],
        ["10", "alias canary"],
        ["11", "newest 1; alias beta"],
    ]
    assert plan.rstrip().endswith("\n\nnothing was deleted; add --apply to delete these")
    assert plan.count("lambda.DeleteFunction") == 7 and plan.count("dynamodb.PutItem") == 1
    assert len(lab.versions()) == 11 and lab.audit_items() == []


def test_the_text_result_lists_only_what_was_deleted_the_skips_and_the_record(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """3, 4, 5 planned; an alias takes 3 meanwhile: the result counts and sizes 4 and 5 only, says why
    3 stayed, names the record and its versions, and prints no plan."""
    for n in (3, 4, 5, 6):
        lab.publish(f"v{n}", description=f"v1.{n}.0")
    sizes = _sizes(lab)
    _race(monkeypatch, lab, late="3")
    result = _prune(run_cli, lab, "--apply")
    assert result.code == 0, result.err
    (item,) = lab.audit_items()
    lines = result.out.splitlines()
    assert lines[0] == (
        f"{lab.function}: deleted 2 version(s), {human_bytes(sizes['4'] + sizes['5'])} of code storage freed"
    )
    assert _cells(lines[1]) == ["version", "size", "description"]
    assert [_cells(line) for line in lines[2:4]] == [
        ["4", human_bytes(sizes["4"]), "v1.4.0"],
        ["5", human_bytes(sizes["5"]), "v1.5.0"],
    ]
    assert lines[4:6] == ["", "kept:"]
    assert [_cells(line) for line in lines[6:10]] == [
        ["version", "why"],
        ["1", "alias prod"],
        ["2", "alias staging"],
        ["6", "newest 1"],
    ]
    assert lines[10:] == [
        "skipped 3: an alias points to it now",
        "",
        f"audit record {item['SK']['S']} in {lab.table}: 4, 5",
    ]
    assert lab.versions() == ["1", "2", "3", "6"]


def test_the_json_result_counts_what_was_deleted_across_batches_and_keeps_every_skip(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """3..14 planned (two batches: 3..12, then 13 and 14); an alias takes 3, in the first batch. The
    document lists the plan, then what was really deleted (4..14), the skip from the first batch after
    the second batch ran, the storage those deletes freed, and the record as ``release audit`` reads it."""
    for n in range(3, 16):
        lab.publish(f"v{n}", description=f"v1.{n}.0")
    sizes = _sizes(lab)
    _race(monkeypatch, lab, late="3")
    result = _prune(run_cli, lab, "--apply", "--reason", "quota", "--json")
    assert result.code == 0, result.err
    document = result.json()
    deleted = [str(n) for n in range(4, 15)]
    (trail,) = run_cli("audit", *lab.target_args(), "--prunes", "--json").json()
    assert trail["deletedVersions"] == deleted and trail["bytesFreed"] == sum(sizes[n] for n in deleted)
    assert document == {
        "function": lab.function,
        "keep": 1,
        "delete": [{"version": str(n), "codeSize": sizes[str(n)], "description": f"v1.{n}.0"} for n in range(3, 15)],
        "kept": [
            {"version": "1", "reasons": ["alias prod"]},
            {"version": "2", "reasons": ["alias staging"]},
            {"version": "15", "reasons": ["newest 1"]},
        ],
        "bytesFreed": sum(sizes[n] for n in deleted),
        "applied": True,
        "deleted": deleted,
        "skipped": ["3: an alias points to it now"],
        "calls": [],
        "audit": trail,
    }
    assert lab.versions() == ["1", "2", "3", "15"]


def test_a_plan_as_json_has_every_key_and_no_record(lab: Lab, run_cli) -> None:
    for n in (3, 4):
        lab.publish(f"v{n}", description=f"v1.{n}.0")
    sizes = _sizes(lab)
    document = _prune(run_cli, lab, "--json").json()
    calls = document.pop("calls")
    assert [c["call"] for c in calls] == ["lambda.DeleteFunction", "dynamodb.PutItem"]
    assert document == {
        "function": lab.function,
        "keep": 1,
        "delete": [{"version": "3", "codeSize": sizes["3"], "description": "v1.3.0"}],
        "kept": [
            {"version": "1", "reasons": ["alias prod"]},
            {"version": "2", "reasons": ["alias staging"]},
            {"version": "4", "reasons": ["newest 1"]},
        ],
        "bytesFreed": sizes["3"],
        "applied": False,
        "deleted": [],
        "skipped": [],
        "audit": None,
    }


@pytest.mark.parametrize("apply", [False, True], ids=["plan", "apply"])
def test_nothing_to_prune_says_so_lists_what_stays_and_changes_nothing(lab: Lab, run_cli, apply: bool) -> None:
    extra = ["--apply"] if apply else []
    text = _prune(run_cli, lab, *extra)
    assert text.code == 0, text.err
    lines = text.out.splitlines()
    assert lines[:3] == [
        f"nothing to prune in {lab.function}: every version is among the newest 1 or in use",
        "",
        "kept:",
    ]
    assert [_cells(line) for line in lines[3:]] == [
        ["version", "why"],
        ["1", "alias prod"],
        ["2", "newest 1; alias staging"],
    ]
    assert _prune(run_cli, lab, *extra, "--json").json() == {
        "function": lab.function,
        "keep": 1,
        "delete": [],
        "kept": [
            {"version": "1", "reasons": ["alias prod"]},
            {"version": "2", "reasons": ["newest 1", "alias staging"]},
        ],
        "bytesFreed": 0,
        "applied": False,
        "deleted": [],
        "skipped": [],
        "calls": [],
        "audit": None,
    }
    assert lab.versions() == ["1", "2"] and lab.audit_items() == []


def test_a_prune_whose_every_version_was_taken_meanwhile_deletes_nothing_and_writes_no_record(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    for n in (3, 4, 5):
        lab.publish(f"v{n}")
    _race(monkeypatch, lab, late="3", later="4")
    document = _prune(run_cli, lab, "--apply", "--json").json()
    assert document["applied"] is True and document["deleted"] == [] and document["bytesFreed"] == 0
    assert document["skipped"] == ["3: an alias points to it now", "4: an alias points to it now"]
    assert document["audit"] is None
    assert lab.versions() == ["1", "2", "3", "4", "5"] and lab.audit_items() == []


def test_a_delete_refused_without_a_message_is_skipped_as_in_use(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """ResourceConflictException with no message (the error body carries only its code): version 3 is
    skipped as "in use"; 4 is deleted and recorded."""
    from botocore.awsrequest import AWSResponse

    for n in (3, 4, 5):
        lab.publish(f"v{n}")

    def refuse_3(params: dict[str, Any], **_: Any) -> Any:
        if params.get("query_string", {}).get("Qualifier") == "3":
            parsed = {"Error": {"Code": "ResourceConflictException"}, "ResponseMetadata": {"HTTPStatusCode": 409}}
            return AWSResponse("https://hooked.invalid", 409, {}, None), parsed
        return None

    hook_cli_clients(monkeypatch, {"before-call.lambda.DeleteFunction": refuse_3})
    document = _prune(run_cli, lab, "--apply", "--json").json()
    assert document["skipped"] == ["3: in use"] and document["deleted"] == ["4"]
    assert lab.versions() == ["1", "2", "3", "5"]


def test_a_prunes_fallback_put_item_names_the_audit_table_and_the_stop_says_nothing_more(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Every record write denied after deleting 3: the printed put-item goes to the audit table (pasted
    into a shell, ``aws`` gets ``--table-name <table>``), and the account of the stop is exactly the
    deleted and not-deleted lines: no version is reported skipped or unknown."""
    lab.publish("v3")
    lab.publish("v4")
    sent = _fail_real_writes(monkeypatch)
    result = _prune(run_cli, lab, "--apply", "--reason", REASON)
    assert result.code == 2
    argv = _paste(_printed_command(result.err), tmp_path)
    assert argv[:4] == ["dynamodb", "put-item", "--table-name", lab.table]
    assert sent and all(body["TableName"] == lab.table for body in sent)
    lines = result.err.splitlines()
    assert lines[0].startswith("error: VERSIONS 3 WERE DELETED BUT THE AUDIT RECORD WAS NOT WRITTEN: ")
    assert lines[3].startswith(
        f"prune of {lab.function} stopped by an error: writing the audit record to {lab.table}: AccessDeniedException"
    )
    assert lines[4:] == [
        "deleted (1 of 1): 3",
        "not deleted (0): none",
        "run the same prune again to go on (it plans afresh)",
    ]
    assert lab.versions() == ["1", "2", "4"]


def test_plan_json_and_text_list_kept_versions_in_number_order_whatever_order_the_plan_holds(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """``PrunePlan.kept`` filled out of order (10 before 9): ``to_json`` and the text report both sort
    by version number, not as strings ("10" < "9") and not in insertion order."""
    from release_cli.commands.prune import _report
    from release_cli.ops.lambda_reads import Version
    from release_cli.ops.prune_plan import PrunePlan

    plan = PrunePlan(
        keep=2,
        delete=[Version(number="8", description="old", code_sha256="x", code_size=2048, last_modified="", role="r")],
        kept={"10": ["newest 2"], "9": ["newest 2", "alias prod"]},
    )
    assert plan.to_json() == {
        "keep": 2,
        "delete": [{"version": "8", "codeSize": 2048, "description": "old"}],
        "kept": [{"version": "9", "reasons": ["newest 2", "alias prod"]}, {"version": "10", "reasons": ["newest 2"]}],
        "bytesFreed": 2048,
    }
    target = SimpleNamespace(function="fn", audit_table="audit")
    _report(target, plan, argparse.Namespace(json=False), calls=[], progress=None)  # type: ignore[arg-type]
    text = capsys.readouterr().out.splitlines()
    kept = text[text.index("kept:") + 1 :]
    assert [_cells(line) for line in kept[:3]] == [
        ["version", "why"],
        ["9", "newest 2; alias prod"],
        ["10", "newest 2"],
    ]


def test_a_cut_short_delete_whose_resend_is_refused_without_a_message_is_skipped_as_in_use(
    lab: Lab, run_cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    """SIGINT lands on the second DeleteFunction (version 4) before it went; the resend is refused
    with ResourceConflictException and no message: 4 is reported skipped "in use", not recorded."""
    import signal

    from botocore.awsrequest import AWSResponse

    for n in (3, 4, 5, 6):
        lab.publish(f"v{n}")
    calls: list[int] = []

    def on_delete(**_: Any) -> Any:
        calls.append(1)
        if len(calls) == 2:
            send_guarded(signal.SIGINT)
        if len(calls) == 3:
            parsed = {"Error": {"Code": "ResourceConflictException"}, "ResponseMetadata": {"HTTPStatusCode": 409}}
            return AWSResponse("https://hooked.invalid", 409, {}, None), parsed
        return None

    hook_cli_clients(monkeypatch, {"before-call.lambda.DeleteFunction": on_delete})
    result = _prune(run_cli, lab, "--apply")
    assert result.code == 130, result.err
    lines = result.err.splitlines()
    assert lines[1:5] == [
        "deleted (1 of 3): 3",
        "not deleted (1): 5",
        "skipped 4: in use",
        f"the audit record {lines[4].split()[3]} in {lab.table} lists exactly the deleted versions",
    ]
    (item,) = lab.audit_items()
    assert item["deletedVersions"]["L"] == [{"S": "3"}] and lines[4].split()[3] == item["SK"]["S"]
    assert lab.versions() == ["1", "2", "4", "5", "6"]
