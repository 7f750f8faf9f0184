"""The one way every command stops on bad input (``release_cli.error_report``, ``cli.main``):
``error: <path>: <problem>`` on stderr and exit code 2, an error document on stdout in JSON mode,
never a traceback and never exit code 1 (which the README reserves for a failed check)."""

from __future__ import annotations

import argparse
import json
import os
from pathlib import Path

import pytest

from release_cli import cli
from release_cli.error_report import json_mode, report_error
from service_model.input_files import InputFileError, read_bytes, read_text

ROOT_USER = hasattr(os, "geteuid") and os.geteuid() == 0


def test_read_text_names_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputFileError) as caught:
        read_text(tmp_path / "gone.toml", what="stage settings")
    assert str(caught.value) == f"{tmp_path / 'gone.toml'}: stage settings: no such file"


def test_read_text_names_a_directory(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match=r": file: is a directory, not a file$"):
        read_text(tmp_path)


def test_read_text_names_the_first_byte_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes("ok = 'caf\u00e9'".encode("latin-1"))
    with pytest.raises(InputFileError) as caught:
        read_text(path)
    assert caught.value.path == str(path)
    assert caught.value.problem == "file: not UTF-8 text (byte 0xe9 at offset 9)"


@pytest.mark.skipif(ROOT_USER, reason="root reads a mode-000 file")
def test_read_bytes_names_a_permission_problem(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_text("x")
    path.chmod(0)
    with pytest.raises(InputFileError, match="permission denied"):
        read_bytes(path)


def test_read_text_returns_the_text(tmp_path: Path) -> None:
    path = tmp_path / "fine.txt"
    path.write_text("caf\u00e9\n", encoding="utf-8")
    assert read_text(path) == "caf\u00e9\n"


def test_json_mode_is_json_flag_or_json_format() -> None:
    assert json_mode(argparse.Namespace(json=True))
    assert json_mode(argparse.Namespace(format="json"))
    assert not json_mode(argparse.Namespace(format="table", json=False))
    assert not json_mode(None)


def test_report_error_prints_a_document_on_stdout_only_in_json_mode(capsys: pytest.CaptureFixture[str]) -> None:
    assert report_error(argparse.Namespace(json=True), "x: broken", 2) == 2
    captured = capsys.readouterr()
    assert captured.err == "error: x: broken\n"
    assert json.loads(captured.out) == {"error": {"exitCode": 2, "message": "x: broken"}}
    report_error(argparse.Namespace(json=False), "y", 1)
    assert capsys.readouterr().out == ""


def _command_raising(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    """Make ``release audit`` raise ``error`` from its body, whatever its arguments."""

    def explode(args: argparse.Namespace) -> int:
        raise error

    original = cli.build_parser

    def parser_with_exploding_command() -> argparse.ArgumentParser:
        parser = original()
        parser.set_defaults(func=explode)
        for action in parser._subparsers._group_actions:  # type: ignore[union-attr]
            choices: dict[str, argparse.ArgumentParser] = action.choices  # type: ignore[assignment]
            for sub in choices.values():
                sub.set_defaults(func=explode)
        return parser

    monkeypatch.setattr(cli, "build_parser", parser_with_exploding_command)


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (FileNotFoundError(2, "No such file or directory", "/tmp/x.json"), "error: /tmp/x.json: no such file"),
        (IsADirectoryError(21, "Is a directory", "/tmp/d"), "error: /tmp/d: is a directory, not a file"),
        (InputFileError("/tmp/a.toml", "not UTF-8 text"), "error: /tmp/a.toml: not UTF-8 text"),
        (OSError(28, "No space left on device"), "error: No space left on device"),
    ],
)
def test_a_file_problem_anywhere_is_exit_2_with_the_path(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], error: OSError, expected: str
) -> None:
    _command_raising(monkeypatch, error)
    assert cli.main(["audit", "--alias", "prod", "--json"]) == 2
    captured = capsys.readouterr()
    assert captured.err.strip() == expected
    assert json.loads(captured.out)["error"]["exitCode"] == 2


def test_a_closed_pipe_exits_quietly_with_sigpipes_status(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(cli, "_silence_stdout", lambda: None)  # capsys's stdout has no real descriptor
    _command_raising(monkeypatch, BrokenPipeError())
    assert cli.main(["audit", "--alias", "prod"]) == 141
    assert capsys.readouterr().err == ""


def test_ctrl_c_is_exit_130_with_an_error_document_in_json_mode(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _command_raising(monkeypatch, KeyboardInterrupt())
    assert cli.main(["audit", "--alias", "prod", "--json"]) == 130
    captured = capsys.readouterr()
    assert captured.err.startswith("error: interrupted")
    assert json.loads(captured.out)["error"]["exitCode"] == 130
