"""The second scanner: the pinned checkov (``.venv-checkov``, installed by the set-up) over every synthesized
stage and the CI stacks finds nothing unacknowledged, honours every acknowledgment, and the README's table
lists exactly the acknowledgments the templates carry."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.ci.conftest import CiSynth
from tests.conftest import ROOT

RUNNER = ROOT / "scripts" / "checkov.py"
CHECKOV = ROOT / ".venv-checkov" / "bin" / "checkov"
README_SECTION = "## Second scanner: checkov"


def every_template(synthesized: Any, pipeline_synth: CiSynth, bootstrap_synth: CiSynth) -> list[Path]:
    stages = sorted(synthesized.outdir.glob("*.template.json"))
    assert len(stages) == 3
    return [*stages, *pipeline_synth.templates(), *bootstrap_synth.templates()]


def skips(template: Path) -> list[tuple[str, str, str, str]]:
    """(logical ID, resource type, check id, reason) for every checkov skip in the template."""
    resources = json.loads(template.read_text())["Resources"]
    return [
        (logical_id, resource["Type"], skip["id"], skip["comment"])
        for logical_id, resource in resources.items()
        for skip in resource.get("Metadata", {}).get("checkov", {}).get("skip", [])
    ]


def run_checkov(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, str(RUNNER), *args], capture_output=True, text=True, cwd=ROOT)


@dataclass
class Scan:
    templates: dict[str, Path]  # name -> template
    report: dict[str, Any]  # name -> the runner's JSON for it
    exit_code: int


@pytest.fixture(scope="module")
def scan(synthesized, pipeline_synth, bootstrap_synth) -> Scan:
    """One run of the pinned checkov (through ``scripts/checkov.py``) over every stage and CI template."""
    if not CHECKOV.exists():
        pytest.skip(".venv-checkov is missing: `bash scripts/setup.sh` installs the pinned checkov")
    templates = every_template(synthesized, pipeline_synth, bootstrap_synth)
    result = run_checkov("--json", *map(str, templates))
    assert result.returncode in (0, 1), result.stderr
    names = {path.name.removesuffix(".template.json"): path for path in templates}
    return Scan(templates=names, report=json.loads(result.stdout)["templates"], exit_code=result.returncode)


def test_checkov_finds_nothing_unacknowledged_in_any_stage_or_ci_stack(scan):
    assert set(scan.report) == set(scan.templates), "every template was scanned"
    unacknowledged = [
        f"{name}: {f['check']} {f['resource']} ({f['title']})" for name, r in scan.report.items() for f in r["failures"]
    ]
    assert unacknowledged == [], f"{len(unacknowledged)} unacknowledged checkov finding(s):\n" + "\n".join(
        unacknowledged
    )
    assert scan.exit_code == 0


def test_checkov_honours_every_acknowledgment_on_its_resource(scan):
    """Each skip in a template is reported as acknowledged, on that resource: none names a check its
    resource does not have, or one checkov does not run; and each template had checks that passed."""
    for name, path in scan.templates.items():
        expected = sorted(f"{check} {kind}.{logical_id}" for logical_id, kind, check, _ in skips(path))
        acknowledged = sorted(f"{a['check']} {a['resource']}" for a in scan.report[name]["acknowledgments"])
        assert acknowledged == expected, name
        assert scan.report[name]["passed"] > 0, name


def readme_table() -> set[tuple[str, str, str]]:
    """(check id, resource type, reason) for each row of the README's acknowledgment table."""
    text = (ROOT / "README.md").read_text()
    assert README_SECTION in text
    section = text.split(README_SECTION, 1)[1].split("\n## ", 1)[0]
    rows = set()
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"`CKV2?_AWS_\d+`", cells[0]):
            rows.add((cells[0].strip("`"), cells[1].strip("`"), cells[3]))
    return rows


def test_the_readme_table_lists_exactly_the_acknowledgments_the_templates_carry(
    synthesized, pipeline_synth, bootstrap_synth
):
    carried = {
        (check, kind, reason)
        for path in every_template(synthesized, pipeline_synth, bootstrap_synth)
        for _, kind, check, reason in skips(path)
    }
    table = readme_table()
    assert table - carried == set(), "rows of the README's table that no template carries (or reworded reasons)"
    assert carried - table == set(), "acknowledgments missing from the README's table"


def test_the_runner_says_what_is_missing_and_exits_2(tmp_path):
    result = run_checkov("--cdk-out", str(tmp_path))
    assert result.returncode == 2
    assert f"no templates in {tmp_path}: synthesize first" in result.stderr


def test_a_template_that_cannot_be_read_is_named_before_checkov_runs(tmp_path):
    missing = tmp_path / "gone.template.json"
    result = run_checkov(str(missing))
    assert (result.returncode, result.stderr) == (
        2,
        f"error: {missing}: cannot read the template: No such file or directory\n",
    )
    assert run_checkov(str(tmp_path)).stderr == f"error: {tmp_path}: cannot read the template: Is a directory\n"


def test_with_json_an_error_is_one_object_on_stdout(tmp_path):
    missing = tmp_path / "gone.template.json"
    result = run_checkov("--json", str(missing))
    message = f"{missing}: cannot read the template: No such file or directory"
    assert result.returncode == 2
    assert json.loads(result.stdout) == {"error": {"exitCode": 2, "message": message}}


def test_ctrl_c_says_nothing_was_scanned_and_exits_130(monkeypatch, capsys):
    import importlib.util

    spec = importlib.util.spec_from_file_location("checkov_runner", RUNNER)
    assert spec is not None and spec.loader is not None
    runner = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "checkov_runner", runner)  # its dataclasses look their module up
    spec.loader.exec_module(runner)

    def interrupted(templates):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner, "run_checkov", interrupted)
    assert runner.main(["--json", str(RUNNER)]) == 130
    out, err = capsys.readouterr()
    assert err == "error: interrupted (Ctrl-C); nothing was scanned\n"
    assert json.loads(out)["error"] == {"exitCode": 130, "message": "interrupted (Ctrl-C); nothing was scanned"}
