"""Every payload the lab writes, byte for byte, through the handler and through ``release local``.

The handler runs in-process against the local tables (moto) built from the synthesized dev template,
with the sample data loaded as ``release local`` does by default; the context reports version 2, the
version the lab's staging alias points at. ``release local`` gets each payload as a file holding the
lab's exact bytes (``-e FILE``, the bare payload ``sam local invoke -e`` takes) and its ``--json`` report
is checked the same way.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from release_cli.cli import main
from release_cli.local_invoke import invoke_payload, load_template, local_aws, make_context, template_path
from service_model.test_events import load_events
from tests.conftest import Synthesized
from tests.seed.conftest import LAB_IDS, LAB_PAYLOADS, STAGING_VERSION, LabPayload, lab_mismatches


@pytest.fixture(scope="module")
def dev_template(synthesized: Synthesized) -> Path:
    return template_path("dev", cdk_out=synthesized.outdir)


@pytest.mark.parametrize("lab", LAB_PAYLOADS, ids=LAB_IDS)
def test_handler_gives_the_labs_answer(lab: LabPayload, dev_template: Path) -> None:
    with local_aws(load_template(dev_template)) as spec:
        response = invoke_payload(lab.payload, make_context(spec, "staging", STAGING_VERSION))
    assert lab_mismatches(lab, response, STAGING_VERSION) == []


def test_release_local_gives_the_labs_answers(
    dev_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    files = []
    for index, lab in enumerate(LAB_PAYLOADS):
        path = tmp_path / f"lab{index}.json"
        path.write_bytes(lab.text.encode("utf-8"))  # the lab's bytes, as a user would save them
        files += ["-e", str(path)]
    argv = [
        "local",
        "--template",
        str(dev_template),
        "--function",
        "order-api",
        "--alias",
        "staging",
        "--function-version",
        STAGING_VERSION,
    ]
    code = main([*argv, "--json", *files])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    problems = {}
    for lab, result in zip(LAB_PAYLOADS, report, strict=True):
        response: Any = result["response"]
        response = {**response, "body": json.dumps(response["body"])}  # --json prints the body parsed
        problems[lab.step] = lab_mismatches(lab, response, STAGING_VERSION)
    assert problems == {lab.step: [] for lab in LAB_PAYLOADS}


def test_release_local_without_sample_data_cannot_find_the_labs_order(
    dev_template: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # The other side of the default: GetOrderStatus needs the sample data, and says so in its description.
    lab = LAB_PAYLOADS[-1]
    path = tmp_path / "status.json"
    path.write_text(lab.text)
    code = main(
        [
            "local",
            "--template",
            str(dev_template),
            "--function",
            "order-api",
            "--no-sample-data",
            "--json",
            "-e",
            str(path),
        ]
    )
    assert code == 0  # a bare payload has no expectation to miss
    assert json.loads(capsys.readouterr().out)[0]["response"]["statusCode"] == 404


@pytest.mark.parametrize("lab", LAB_PAYLOADS, ids=LAB_IDS)
def test_each_lab_payload_is_a_test_event(lab: LabPayload) -> None:
    # The console test events and the hook read test_events/: each lab payload is there, as the lab
    # writes it or (production-safe copies) with only smokeTest added so that what it stores expires.
    payloads = [event.payload for event in load_events()]
    assert lab.payload in payloads or {**lab.payload, "smokeTest": True} in payloads


def test_lab_payload_events_expect_the_labs_status() -> None:
    by_payload = {json.dumps(event.payload, sort_keys=True): event for event in load_events()}
    for lab in LAB_PAYLOADS:
        for payload in (lab.payload, {**lab.payload, "smokeTest": True}):
            event = by_payload.get(json.dumps(payload, sort_keys=True))
            if event is not None:
                assert event.expected["statusCode"] == lab.status, event.name
