"""The options ``release local`` and ``release serve`` share, as ``--help`` shows them and as parsed,
and the numbers ``serve`` refuses before it starts."""

from __future__ import annotations

import re

import pytest

from release_cli.cli import build_parser, main


def help_text(command: str, capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    return " ".join(capsys.readouterr().out.split())  # one line: argparse wraps at the terminal's width


@pytest.mark.parametrize("command", ["local", "serve"])
def test_the_sample_data_switch_reads_the_right_way_round(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    # Before: "--no-sample-data start from empty tables ... (default: True)", as if empty tables were the default.
    text = help_text(command, capsys)
    entry = re.search(r"--sample-data, --no-sample-data (.*?\(default: True\))", text)
    assert entry is not None, text
    assert entry.group(1).startswith("load the sample orders of sample_data/orders.json")
    assert "--no-sample-data: empty tables" in entry.group(1)
    assert not re.search(r"(?<!, )--no-sample-data [a-z].*?\(default: True\)", text.split("options:")[-1])


@pytest.mark.parametrize("command", ["local", "serve"])
@pytest.mark.parametrize(("flags", "loaded"), [((), True), (("--sample-data",), True), (("--no-sample-data",), False)])
def test_the_sample_data_switch_parses(command: str, flags: tuple[str, ...], loaded: bool) -> None:
    assert build_parser().parse_args([command, *flags]).sample_data is loaded


@pytest.mark.parametrize("port", ["-1", "65536", "70000"])
def test_serve_refuses_a_port_outside_0_to_65535(port: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--port", port]) == 2
    err = capsys.readouterr().err
    assert f"--port {port} is not a port number" in err and "0-65535" in err
