"""``status --pin`` edits a person's stages.toml: the values change, nothing else does -- the line's
comment, the file's mode, its line endings, a symlink -- and a stale ``weighted`` route goes away.

The file edits are checked on ``stages_pin.pin`` directly (no AWS involved: the drift is what
``status`` computed); the route removal also end to end, against moto, through ``release status``.
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

import pytest

from release_cli.ops.drift import Drift, toml_lines
from release_cli.ops.errors import OpsError
from release_cli.ops.stages_pin import pin
from service_model.project import project_root
from tests.release_ops.conftest import new_lab, only_order_api

STAGING_TARGET = 'name = "staging"\ntarget = "new"\n'
DEV_BLOCK = 'name = "dev"\ntarget = "$LATEST"\n'


def moved(alias: str, version: str, weights: dict[str, float] | None = None) -> Drift:
    """The drift ``status`` reports for an alias that is live on ``version`` (+ ``weights``)."""
    weights = weights or {}
    lines = toml_lines(version, weights)
    return Drift(alias, "moved", "declared", "live", lines, version, weights, pinnable=True)


def stages_copy(folder: Path, *, replace: tuple[str, str] | None = None) -> Path:
    """The project's stages.toml with the Order API alone (a service of one function, whose aliases are
    the stage's), with ``replace`` applied."""
    folder.mkdir(parents=True, exist_ok=True)
    text = (project_root() / "stages.toml").read_text(encoding="utf-8")
    if replace is not None:
        assert replace[0] in text
        text = text.replace(replace[0], replace[1], 1)
    path = folder / "stages.toml"
    path.write_text(text, encoding="utf-8")
    return only_order_api(path)


def test_the_comment_on_the_target_line_stays(tmp_path: Path) -> None:
    commented = 'name = "staging"\ntarget  =  "new"    # follows every deploy\n'
    path = stages_copy(tmp_path, replace=(STAGING_TARGET, commented))
    before = path.read_text()
    assert pin(path, "staging", [moved("staging", "1")]) == ["staging"]
    assert path.read_text() == before.replace('target  =  "new"    #', "target  =  1    #", 1)


def test_a_weighted_value_is_replaced_in_place_and_its_comment_stays(tmp_path: Path) -> None:
    canary = DEV_BLOCK + "weighted = { version = 1, weight = 0.05 } # canary of the fix\n"
    path = stages_copy(tmp_path, replace=(DEV_BLOCK, canary))
    pin(path, "dev", [moved("dev", "3", {"2": 0.2})])
    assert "target = 3\nweighted = { version = 2, weight = 0.2 } # canary of the fix\n" in path.read_text()


def test_a_live_route_adds_the_weighted_line_after_target(tmp_path: Path) -> None:
    path = stages_copy(tmp_path)
    pin(path, "dev", [moved("dev", "3", {"2": 0.2})])
    dev = tomllib.loads(path.read_text())["stages"]["dev"]["aliases"][0]
    assert (dev["target"], dev["weighted"]) == (3, {"version": 2, "weight": 0.2})
    assert 'target = 3\nweighted = { version = 2, weight = 0.2 }\ndescription = "Development' in path.read_text()


def test_no_live_route_removes_a_stale_weighted_line(tmp_path: Path) -> None:
    stale = DEV_BLOCK.replace('"$LATEST"', "1") + "weighted = { version = 2, weight = 0.1 }\n"
    path = stages_copy(tmp_path, replace=(DEV_BLOCK, stale))
    pin(path, "dev", [moved("dev", "2")])
    assert "weighted" not in tomllib.loads(path.read_text())["stages"]["dev"]["aliases"][0]
    assert path.read_text() == stages_copy(tmp_path / "plain").read_text().replace('target = "$LATEST"', "target = 2")


@pytest.mark.parametrize("mode", [0o644, 0o664, 0o600])
def test_the_files_mode_stays(tmp_path: Path, mode: int) -> None:
    path = stages_copy(tmp_path)
    path.chmod(mode)
    pin(path, "staging", [moved("staging", "1")])
    assert stat.S_IMODE(path.stat().st_mode) == mode
    assert 'name = "staging"\ntarget = 1\n' in path.read_text()


def test_crlf_line_endings_stay_crlf_also_on_an_added_line(tmp_path: Path) -> None:
    path = stages_copy(tmp_path)
    crlf = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    pin(path, "dev", [moved("dev", "3", {"2": 0.2})])
    after = path.read_bytes()
    assert after.count(b"\n") == after.count(b"\r\n") == crlf.count(b"\r\n") + 1  # one line added, as CRLF
    assert b"target = 3\r\nweighted = { version = 2, weight = 0.2 }\r\n" in after


def test_a_symlinked_stages_toml_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    real = stages_copy(tmp_path / "shared-config")
    link = tmp_path / "repo" / "stages.toml"
    link.parent.mkdir()
    link.symlink_to(os.path.relpath(real, link.parent))
    pin(link, "staging", [moved("staging", "1")])
    assert link.is_symlink() and link.resolve() == real.resolve()
    assert 'name = "staging"\ntarget = 1\n' in real.read_text()
    assert sorted(p.name for p in real.parent.iterdir()) == ["stages.toml"]  # no temporary file left


def test_a_pin_that_would_not_declare_what_is_live_writes_nothing(tmp_path: Path) -> None:
    # A route written as dotted keys is not a `weighted = ...` line: removing the route cannot work
    # line by line, so the check after the edit refuses instead of writing a file that says otherwise.
    dotted = DEV_BLOCK.replace('"$LATEST"', "1") + "weighted.version = 2\nweighted.weight = 0.1\n"
    path = stages_copy(tmp_path, replace=(DEV_BLOCK, dotted))
    before = path.read_bytes()
    with pytest.raises(OpsError, match=r"did not give what is live.*nothing was written.*target = 3"):
        pin(path, "dev", [moved("dev", "3")])
    assert path.read_bytes() == before


def test_status_pin_removes_the_weighted_line_when_the_live_alias_has_no_route(
    aws_env: str, stage_stack, run_cli, tmp_path: Path
) -> None:
    stale = DEV_BLOCK.replace('"$LATEST"', "1") + "weighted = { version = 2, weight = 0.1 }  # the canary\n"
    stages = stages_copy(tmp_path, replace=(DEV_BLOCK, stale))
    lab = new_lab()
    lab.publish("v1")
    lab.publish("v2")
    lab.alias("dev", "2")  # promoted: the whole alias on 2, no route
    stage_stack("dev", lab, "2")
    result = run_cli("status", "--stage", "dev", "--stages-file", stages, "--pin", "--fail-on-drift")
    assert result.code == 0, result.err
    dev = tomllib.loads(stages.read_text())["stages"]["dev"]["aliases"][0]
    assert dev["target"] == 2 and "weighted" not in dev
    assert "the canary" not in stages.read_text()  # the comment went with the line it described
    again = run_cli("status", "--stage", "dev", "--stages-file", stages, "--json", "--fail-on-drift")
    assert (again.code, again.json()["drift"]) == (0, [])


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_route_is_added_after_a_target_line_that_ends_the_file_without_a_newline(
    tmp_path: Path, newline: str
) -> None:
    path = tmp_path / "stages.toml"
    last = newline.join(["[[stages.dev.aliases]]", 'name = "dev"', 'target = "$LATEST"'])  # the header first too
    path.write_bytes(last.encode())
    assert pin(path, "dev", [moved("dev", "3", {"2": 0.2})]) == ["dev"]
    expected = last.replace('"$LATEST"', "3") + newline + "weighted = { version = 2, weight = 0.2 }"
    assert path.read_bytes() == expected.encode()


def test_an_indented_block_keeps_its_indent_on_the_added_line(tmp_path: Path) -> None:
    indented = 'name = "dev"\n  target = "$LATEST"\n'
    path = stages_copy(tmp_path, replace=('name = "dev"\ntarget = "$LATEST"\n', indented))
    pin(path, "dev", [moved("dev", "3", {"2": 0.2})])
    assert 'name = "dev"\n  target = 3\n  weighted = { version = 2, weight = 0.2 }\n' in path.read_text()


def test_the_alias_block_is_found_by_stage_and_name_with_comments_and_spacing(tmp_path: Path) -> None:
    # dev also has an alias named "staging", and a second block: only staging's own "staging" entry moves.
    dev_extra = (
        '[[ stages.dev.aliases ]]  # dev\'s second alias\nname = "staging"   # same name, other stage\n'
        'target = "$LATEST"\n'
    )
    path = stages_copy(tmp_path, replace=("[stages.staging]\n", dev_extra + "\n[stages.staging]\n"))
    text = path.read_text().replace('[[stages.staging.aliases]]\nname = "staging"\n',
                                    '[[stages.staging.aliases]] # the one\nname = "staging"  # pinned\n')  # fmt: skip
    path.write_text(text)
    assert pin(path, "staging", [moved("staging", "4")]) == ["staging"]
    assert path.read_text() == text.replace('pinned\ntarget = "new"', "pinned\ntarget = 4", 1)
    assert pin(path, "dev", [moved("staging", "2")]) == ["staging"]  # dev's second block, by name
    assert "same name, other stage\ntarget = 2\n" in path.read_text()


def test_only_moved_drift_is_pinned_and_nothing_to_pin_writes_nothing(tmp_path: Path) -> None:
    path = stages_copy(tmp_path)
    before = path.read_bytes()
    inode = path.stat().st_ino
    others = [
        Drift("dev", "missing", "$LATEST", "-", note="deploy the stage to create it"),
        Drift("hotfix", "undeclared", "-", "1"),
        Drift("dev", "unknown", "new (unknown)", "3"),
    ]
    assert pin(path, "dev", others) == []
    assert (path.read_bytes(), path.stat().st_ino) == (before, inode)  # not even rewritten
    assert pin(path, "dev", [*others, moved("dev", "2")]) == ["dev"]
    assert 'name = "dev"\ntarget = 2\n' in path.read_text()


def test_a_stages_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    path = stages_copy(tmp_path)
    path.write_bytes(path.read_bytes().replace(b"Development", b"D\xe9velopment"))
    before = path.read_bytes()
    with pytest.raises(OpsError, match=r"stages\.toml: not UTF-8 \(byte \d+\); stages\.toml must be UTF-8 text"):
        pin(path, "dev", [moved("dev", "2")])
    assert path.read_bytes() == before


def test_an_alias_without_its_own_block_names_the_lines_to_write(tmp_path: Path) -> None:
    path = stages_copy(tmp_path)
    before = path.read_bytes()
    with pytest.raises(OpsError) as refused:
        pin(path, "dev", [moved("hotfix", "3", {"2": 0.2})])
    assert str(refused.value) == (
        "alias hotfix of stage dev is not a [[stages.dev.aliases]] block in stages.toml; write these lines in "
        "its entry by hand: target = 3; weighted = { version = 2, weight = 0.2 }"
    )
    assert path.read_bytes() == before


def test_a_block_without_a_target_line_is_refused(tmp_path: Path) -> None:
    # a quoted key is valid TOML the line editor does not read: refused, nothing written
    path = stages_copy(tmp_path, replace=('target = "$LATEST"', '"target" = "$LATEST"'))
    before = path.read_bytes()
    with pytest.raises(OpsError, match=r"^alias dev of stage dev has no target line to pin; nothing was written$"):
        pin(path, "dev", [moved("dev", "2")])
    assert path.read_bytes() == before


def test_a_pin_that_would_make_the_file_invalid_writes_nothing(tmp_path: Path) -> None:
    path = stages_copy(tmp_path)
    before = path.read_bytes()
    with pytest.raises(OpsError, match=r"^the pinned stages\.toml would not be valid \(.*\); nothing was written$"):
        pin(path, "prod", [moved("prod", "$LATEST")])  # production never runs $LATEST
    assert path.read_bytes() == before


def test_a_failed_write_leaves_the_file_and_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    path = stages_copy(tmp_path)
    before = path.read_bytes()

    def disk_full(*_: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", disk_full)
    with pytest.raises(OSError, match="No space left"):
        pin(path, "dev", [moved("dev", "2")])
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["stages.toml"]


def test_the_new_content_is_written_beside_the_file_not_in_the_temp_folder(tmp_path: Path, monkeypatch) -> None:
    # A rename is atomic only within one filesystem: the temporary file must be made next to stages.toml,
    # so a TMPDIR elsewhere (here: one that does not exist) plays no part.
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-tmpdir"))
    path = stages_copy(tmp_path / "repo")
    assert pin(path, "dev", [moved("dev", "2")]) == ["dev"]
    assert 'name = "dev"\ntarget = 2\n' in path.read_text()


def test_a_target_line_the_editor_cannot_read_is_written_whole_as_key_equals_value(tmp_path: Path) -> None:
    # A hand edit after `status` read the file (a stray second value, with an `=` in it): the line is
    # replaced by a plain one, indentation kept; the parse check after the edit decides whether it is written.
    path = stages_copy(tmp_path, replace=('target = "$LATEST"', '  target = "$LATEST" "x=y"'))
    assert pin(path, "dev", [moved("dev", "2")]) == ["dev"]
    assert 'name = "dev"\n  target = 2\ndescription' in path.read_text()


def test_a_target_line_inside_a_multiline_string_is_not_the_key_and_nothing_is_written(tmp_path: Path) -> None:
    # The line editor reads lines, not TOML: a description that quotes a `target = ...` line before the real
    # key gets the edit instead. The file still parses but does not declare what is live: refused, the
    # message lists every line to set by hand.
    quoted = 'name = "dev"\ndescription = """\ntarget = 9\n"""\ntarget = 1\n'
    path = stages_copy(
        tmp_path, replace=('name = "dev"\ntarget = "$LATEST"\ndescription = "Development and testing"\n', quoted)
    )
    before = path.read_bytes()
    with pytest.raises(OpsError) as refused:
        pin(path, "dev", [moved("dev", "3", {"2": 0.2})])
    assert str(refused.value) == (
        "pinning alias dev in stages.toml did not give what is live (live); nothing was written: set these lines "
        "in its entry by hand: target = 3; weighted = { version = 2, weight = 0.2 }"
    )
    assert path.read_bytes() == before


def test_alias_blocks_without_blank_lines_between_them_are_told_apart(tmp_path: Path) -> None:
    compact = (
        'name = "dev"\ntarget = "$LATEST"\ndescription = "Development and testing"\n'
        '[[stages.dev.aliases]]\nname = "dev-b"\ntarget = 1\ndescription = "the second"\n'
        '[[stages.dev.aliases]]\nname = "dev-c"\ntarget = 2\n'
    )
    path = stages_copy(
        tmp_path, replace=('name = "dev"\ntarget = "$LATEST"\ndescription = "Development and testing"\n', compact)
    )
    before = path.read_text()
    assert pin(path, "dev", [moved("dev-c", "3"), moved("dev-b", "2")]) == ["dev-c", "dev-b"]
    assert path.read_text() == before.replace('"dev-b"\ntarget = 1', '"dev-b"\ntarget = 2').replace(
        '"dev-c"\ntarget = 2', '"dev-c"\ntarget = 3'
    )
