"""Stage reviews, baselines and ``protect --from-synth`` judge only what the last synth wrote.

``cdk synth -c stage=dev`` rewrites the manifest with the dev stack alone and leaves older staging and
prod templates on disk; those files must never be reviewed (the issue: they were called SAFE). An
assembly written before a source file changed is refused too. Every review names the assembly it read.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from release_cli.review.assembly import newest_source, read_assembly, require_fresh
from release_cli.review.errors import ReviewInputError
from tests.conftest import CliResult
from tests.review.conftest import corpus_pair, write_assembly

PAIR = corpus_pair("add")
LONG_AGO = 1_000_000_000  # 2001: older than any source file of a checkout


def _dev_only_with_leftovers(tmp_path: Path) -> Path:
    """dev synthesized just now; staging and prod templates left on disk by an earlier synth."""
    cdk_out = write_assembly(tmp_path / "cdk.out", {"dev": PAIR.new.read_text()})
    for stack in ("version-demo-staging", "version-demo-prod"):
        (cdk_out / f"{stack}.template.json").write_text(PAIR.new.read_text())
    return cdk_out


def _baselines(tmp_path: Path) -> Path:
    folder = tmp_path / "baselines"
    folder.mkdir()
    for stage in ("dev", "staging", "prod"):
        (folder / f"{stage}.template.json").write_text(PAIR.new.read_text())
    return folder


def test_every_stage_review_refuses_stages_the_last_synth_did_not_write(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    cdk_out = _dev_only_with_leftovers(tmp_path)
    result = run_cli("review", "--cdk-out", str(cdk_out), "--baselines", str(_baselines(tmp_path)))
    assert result.code == 2
    assert result.out == ""  # nothing judged, in particular no "SAFE"
    assert "not stage staging, prod" in result.err
    assert "cdk synth" in result.err and "--stage dev" in result.err


def test_one_missing_stage_says_which_synth_to_run(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    cdk_out = _dev_only_with_leftovers(tmp_path)
    result = run_cli("review", "--stage", "prod", "--cdk-out", str(cdk_out), "--baselines", str(_baselines(tmp_path)))
    assert (result.code, "synthesize it: cdk synth -c stage=prod" in result.err) == (2, True)


def test_stage_that_the_manifest_lists_is_reviewed(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    cdk_out = _dev_only_with_leftovers(tmp_path)
    result = run_cli("review", "--stage", "dev", "--cdk-out", str(cdk_out), "--baselines", str(_baselines(tmp_path)))
    assert (result.code, result.out.rstrip().endswith("SAFE: no changes")) == (0, True)


def test_template_file_comes_from_the_manifest_not_the_stack_name(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    cdk_out = write_assembly(tmp_path / "cdk.out", {"dev": PAIR.new.read_text()})
    manifest = json.loads((cdk_out / "manifest.json").read_text())
    manifest["artifacts"]["version-demo-dev"]["properties"]["templateFile"] = "elsewhere.json"
    (cdk_out / "manifest.json").write_text(json.dumps(manifest))
    (cdk_out / "elsewhere.json").write_text(PAIR.old.read_text())
    result = run_cli("review", "--stage", "dev", "--cdk-out", str(cdk_out), "--baselines", str(_baselines(tmp_path)))
    assert "Remove  DeadLetters" in result.out  # old.json lacks the queue: the manifest's file was read


@pytest.mark.parametrize("fmt", ["table", "markdown", "json"])
def test_every_format_names_the_assembly_it_read(fmt: str, run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    cdk_out = _dev_only_with_leftovers(tmp_path)
    argv = ["review", "--stage", "dev", "--cdk-out", str(cdk_out), "--baselines", str(_baselines(tmp_path))]
    result = run_cli(*argv, "--format", fmt)
    manifest = str(cdk_out / "manifest.json")
    if fmt == "json":
        assembly = result.json()["reports"][0]["assembly"]
        assert (assembly["manifest"], assembly["stacks"]) == (manifest, ["version-demo-dev"])
        assert assembly["writtenAt"].endswith("Z")
    else:
        text = " ".join(result.out.split())  # the table wraps long lines
        assert f"cloud assembly {manifest} written " in text
        assert "(stacks: version-demo-dev)" in text


def test_assembly_older_than_the_sources_is_refused(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    cdk_out = _dev_only_with_leftovers(tmp_path)
    os.utime(cdk_out / "manifest.json", (LONG_AGO, LONG_AGO))
    result = run_cli("review", "--stage", "dev", "--cdk-out", str(cdk_out), "--baselines", str(_baselines(tmp_path)))
    assert (result.code, result.out) == (2, "")
    assert "written 2001-09-09T01:46:40Z, before" in result.err
    assert "Synthesize again" in result.err


def test_baseline_of_every_stage_writes_nothing_when_one_is_missing(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    cdk_out = _dev_only_with_leftovers(tmp_path)
    baselines = tmp_path / "new-baselines"
    result = run_cli("baseline", "--cdk-out", str(cdk_out), "--baselines", str(baselines))
    assert (result.code, "not stage staging, prod" in result.err) == (2, True)
    assert not baselines.exists()  # not even dev's, which the assembly has


def test_baseline_refuses_a_stale_assembly(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    cdk_out = _dev_only_with_leftovers(tmp_path)
    os.utime(cdk_out / "manifest.json", (LONG_AGO, LONG_AGO))
    result = run_cli("baseline", "--stage", "dev", "--cdk-out", str(cdk_out), "--baselines", str(tmp_path / "b"))
    assert (result.code, "Synthesize again" in result.err, (tmp_path / "b").exists()) == (2, True, False)


def test_protect_from_synth_refuses_a_stage_the_last_synth_did_not_write(
    run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    cdk_out = _dev_only_with_leftovers(tmp_path)
    result = run_cli("protect", "--stage", "prod", "--dry-run", "--from-synth", "--cdk-out", str(cdk_out))
    assert (result.code, result.out, "cdk synth -c stage=prod" in result.err) == (2, "", True)


def test_protect_from_synth_refuses_a_stale_assembly(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    cdk_out = write_assembly(tmp_path / "cdk.out", {"prod": PAIR.new.read_text()})
    os.utime(cdk_out / "manifest.json", (LONG_AGO, LONG_AGO))
    result = run_cli("protect", "--stage", "prod", "--dry-run", "--from-synth", "--cdk-out", str(cdk_out))
    assert (result.code, "Synthesize again" in result.err) == (2, True)


def test_newest_source_ignores_bytecode_and_files_outside_the_sources(tmp_path: Path) -> None:
    source = tmp_path / "stacks" / "stack.py"
    (tmp_path / "stacks" / "__pycache__").mkdir(parents=True)
    source.write_text("")
    cached = tmp_path / "stacks" / "__pycache__" / "stack.cpython-313.pyc"
    cached.write_text("")
    (tmp_path / "README.md").write_text("")
    os.utime(source, (LONG_AGO, LONG_AGO))
    for later in (cached, tmp_path / "README.md"):
        os.utime(later, (LONG_AGO + 100, LONG_AGO + 100))
    assert newest_source(tmp_path) == (source, LONG_AGO)


@pytest.mark.parametrize("source", ["app.py", "cdk.json", "stages.toml", "lambda_src/order_api/handler.py"])
def test_a_source_edited_after_the_synth_makes_it_stale(source: str, tmp_path: Path) -> None:
    cdk_out = write_assembly(tmp_path / "cdk.out", {"dev": PAIR.new.read_text()})
    os.utime(cdk_out / "manifest.json", (LONG_AGO, LONG_AGO))
    edited = tmp_path / "project" / source
    edited.parent.mkdir(parents=True, exist_ok=True)
    edited.write_text("")
    os.utime(edited, (LONG_AGO + 1, LONG_AGO + 1))
    with pytest.raises(ReviewInputError, match="Synthesize again"):
        require_fresh(assembly=read_assembly(cdk_out), root=tmp_path / "project")
    os.utime(edited, (LONG_AGO, LONG_AGO))  # same second as the synth: not newer, accepted
    require_fresh(assembly=read_assembly(cdk_out), root=tmp_path / "project")


@pytest.mark.parametrize(
    ("manifest", "message"),
    [("{", "invalid JSON"), ("[]", "no artifacts mapping"), ('{"artifacts": []}', "no artifacts mapping")],
)
def test_broken_manifest_is_an_input_error(
    manifest: str, message: str, run_cli: Callable[..., CliResult], tmp_path: Path
) -> None:
    cdk_out = write_assembly(tmp_path / "cdk.out", {"dev": PAIR.new.read_text()})
    (cdk_out / "manifest.json").write_text(manifest)
    result = run_cli("review", "--stage", "dev", "--cdk-out", str(cdk_out))
    assert (result.code, message in result.err) == (2, True)


def _error(run_cli: Callable[..., CliResult], *argv: str) -> str:
    result = run_cli(*argv)
    assert result.code == 2
    return result.err.strip()


def test_messages_in_full(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    # What a person reads when the gate refuses to judge: which file, what is missing, what to run.
    cdk_out = _dev_only_with_leftovers(tmp_path)
    manifest = cdk_out / "manifest.json"
    base = ["--cdk-out", str(cdk_out), "--baselines", str(_baselines(tmp_path))]
    assert _error(run_cli, "review", *base) == (
        f"error: {manifest}: the last synth wrote version-demo-dev, not stage staging, prod (templates an earlier "
        f"synth left in {cdk_out} are never judged); synthesize every stage: cdk synth (cdk synth -c stage=<stage> "
        "replaces the assembly with that stage alone), or review only a stage it has (--stage dev)"
    )
    assert _error(run_cli, "review", "--stage", "prod", *base) == (
        f"error: {manifest}: the last synth wrote version-demo-dev, not stage prod (templates an earlier synth left "
        f"in {cdk_out} are never judged); synthesize it: cdk synth -c stage=prod"
    )
    empty = write_assembly(tmp_path / "empty", {})
    assert _error(run_cli, "review", "--stage", "dev", "--cdk-out", str(empty)) == (
        f"error: {empty / 'manifest.json'}: the last synth wrote no stack, not stage dev (templates an earlier synth "
        f"left in {empty} are never judged); synthesize it: cdk synth -c stage=dev"
    )
    missing = tmp_path / "none"
    assert _error(run_cli, "review", "--stage", "dev", "--cdk-out", str(missing)) == (
        f"error: {missing / 'manifest.json'}: no cloud assembly (no manifest.json); synthesize first: cdk synth "
        "(every stage) or cdk synth -c stage=<stage>"
    )
    os.utime(manifest, (LONG_AGO, LONG_AGO))
    stale = _error(run_cli, "review", "--stage", "dev", *base)
    assert stale.startswith(f"error: {manifest}: written 2001-09-09T01:46:40Z, before ")
    assert stale.endswith(
        "its templates may not describe the sources. Synthesize again (cdk synth, or cdk synth -c stage=<stage>) "
        "and re-run"
    )


def test_unreadable_manifest_is_an_input_error(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    cdk_out = write_assembly(tmp_path / "cdk.out", {"dev": PAIR.new.read_text()})
    (cdk_out / "manifest.json").write_bytes(b"\xff\xfe{")
    assert _error(run_cli, "review", "--stage", "dev", "--cdk-out", str(cdk_out)).startswith(
        f"error: {cdk_out / 'manifest.json'}: cloud assembly manifest: not UTF-8 text (byte 0xff at offset 0); "
        "synthesize again"
    )


def test_only_stack_artifacts_with_a_template_count(tmp_path: Path) -> None:
    cdk_out = tmp_path / "cdk.out"
    cdk_out.mkdir()
    artifacts = {
        "a": {"type": "aws:cloudformation:stack", "properties": {"templateFile": "a.json"}},
        "b": {"type": "aws:cloudformation:stack", "properties": {"templateFile": ""}},
        "c": {"type": "aws:cloudformation:stack", "properties": {"templateFile": 5}},
        "d": {"type": "aws:cloudformation:stack"},
        "e": {"type": "cdk:asset-manifest", "properties": {"templateFile": "e.json"}},
        "f": "not an artifact",
    }
    (cdk_out / "manifest.json").write_text(json.dumps({"artifacts": artifacts}))
    assert read_assembly(cdk_out).templates == {"a": cdk_out / "a.json"}


def test_hidden_folders_are_not_sources(tmp_path: Path) -> None:
    source = tmp_path / "stacks" / "stack.py"
    hidden = tmp_path / "stacks" / ".mypy_cache" / "x.json"
    hidden.parent.mkdir(parents=True)
    source.write_text("")
    hidden.write_text("")
    bytecode = tmp_path / "stacks" / "stack.pyc"
    bytecode.write_text("")
    os.utime(source, (LONG_AGO, LONG_AGO))
    for later in (hidden, bytecode):
        os.utime(later, (LONG_AGO + 5, LONG_AGO + 5))
    assert newest_source(tmp_path) == (source, LONG_AGO)


def test_newest_source_is_the_latest_of_several(tmp_path: Path) -> None:
    (tmp_path / "stacks").mkdir()
    for offset, name in enumerate(["a.py", "b.py", "c.py"]):
        path = tmp_path / "stacks" / name
        path.write_text("")
        os.utime(path, (LONG_AGO + [5, 9, 1][offset], LONG_AGO + [5, 9, 1][offset]))
    assert newest_source(tmp_path) == (tmp_path / "stacks" / "b.py", LONG_AGO + 9)


def test_message_lists_every_stack_the_last_synth_wrote(run_cli: Callable[..., CliResult], tmp_path: Path) -> None:
    cdk_out = write_assembly(tmp_path / "cdk.out", {"dev": PAIR.new.read_text(), "staging": PAIR.new.read_text()})
    error = _error(run_cli, "review", "--stage", "prod", "--cdk-out", str(cdk_out))
    assert "the last synth wrote version-demo-dev, version-demo-staging, not stage prod" in error
