"""``scripts/emulator.py`` as a person meets it: start, the shell lines, a second start, down, and the errors.

No deploy here (the session's ``emulated_dev`` does one); each test starts its own emulator in its own
state folder and leaves nothing running.
"""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.emulator.conftest import NOT_INSTALLED
from tests.emulator.emulator_script import emulator

SCRIPT = ROOT / "scripts" / "emulator.py"


def run(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), *args, "--state-dir", str(folder)],
        capture_output=True, text=True, timeout=120, cwd=ROOT,
    )  # fmt: skip


@pytest.fixture
def installed() -> None:
    if not emulator.EMULATOR.is_file():
        pytest.skip(NOT_INSTALLED)


def exports(lines: str) -> dict[str, str]:
    return dict(line.removeprefix("export ").split("=", 1) for line in lines.splitlines() if line.startswith("export "))


@pytest.mark.usefixtures("installed")
def test_start_answers_on_loopback_and_prints_only_emulator_settings(tmp_path: Path) -> None:
    started = run(tmp_path, "start")
    try:
        assert started.returncode == 0, started.stderr
        values = exports(started.stdout)
        endpoint = values["AWS_ENDPOINT_URL"]
        assert endpoint.startswith("http://127.0.0.1:")
        assert values["AWS_ACCESS_KEY_ID"] == "test" and values["AWS_REGION"] == "us-east-1"
        assert started.stdout.splitlines()[0].startswith("unset AWS_PROFILE AWS_SESSION_TOKEN")
        with urllib.request.urlopen(endpoint + emulator.HEALTH_PATH, timeout=5) as answer:
            assert answer.status == 200
        assert run(tmp_path, "env").stdout == started.stdout  # the same lines for a second shell
        again = run(tmp_path, "start")
        assert again.returncode == 1
        assert f"an emulator is already running on {endpoint}" in again.stderr
    finally:
        stopped = run(tmp_path, "down")
    assert stopped.returncode == 0 and "emulator stopped" in stopped.stderr
    assert emulator.read_state(tmp_path) is None


@pytest.mark.usefixtures("installed")
def test_down_stops_the_whole_process_group(tmp_path: Path) -> None:
    running = emulator.start(tmp_path)
    assert emulator.stop(tmp_path) is True
    with pytest.raises(ProcessLookupError):
        os.killpg(running.pid, 0)
    assert not (tmp_path / "state.json").exists()
    assert emulator.stop(tmp_path) is False


def test_env_and_deploy_without_a_running_emulator_say_how_to_start_one(tmp_path: Path) -> None:
    for command in ("env", "deploy"):
        result = run(tmp_path, command)
        assert result.returncode == 1
        assert "error: no emulator is running: start one first" in result.stderr
        assert result.stdout == ""  # nothing for `eval` to run


def test_down_without_an_emulator_is_not_an_error(tmp_path: Path) -> None:
    result = run(tmp_path, "down")
    assert (result.returncode, result.stderr.strip()) == (0, "no emulator was running")


def test_a_missing_emulator_says_how_to_install_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(emulator, "EMULATOR", emulator.VENV / "bin" / "not-there")
    with pytest.raises(emulator.EmulatorError, match=r"the emulator is not installed .* run `bash scripts/setup.sh`"):
        emulator.start(tmp_path)
    assert not (tmp_path / "state.json").exists()


def test_an_emulator_that_dies_while_starting_is_an_error_with_its_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake = tmp_path / "fake-emulator"
    fake.write_text("#!/bin/sh\necho 'cannot bind the port' >&2\nexit 3\n")
    fake.chmod(0o755)
    monkeypatch.setattr(emulator, "EMULATOR", fake)
    with pytest.raises(emulator.EmulatorError) as failed:
        emulator.start(tmp_path / "state")
    assert "exited with 3 while starting" in str(failed.value)
    assert "cannot bind the port" in str(failed.value)
    assert emulator.read_state(tmp_path / "state") is None


def test_the_environment_drops_every_way_to_a_real_account() -> None:
    real = {"AWS_PROFILE": "prod-admin", "AWS_SESSION_TOKEN": "t", "AWS_ACCESS_KEY_ID": "AKIAREAL", "PATH": "/bin"}
    env = emulator.aws_environment("http://127.0.0.1:4566", real)
    assert "AWS_PROFILE" not in env and "AWS_SESSION_TOKEN" not in env
    assert env["AWS_ACCESS_KEY_ID"] == "test" and env["AWS_ENDPOINT_URL"] == "http://127.0.0.1:4566"
    assert env["AWS_CONFIG_FILE"] == os.devnull and env["PATH"] == "/bin"


@pytest.mark.usefixtures("installed")
@pytest.mark.parametrize(
    ("failure", "code", "said"),
    [
        (emulator.EmulatorError("cdk deploy of stage dev failed (exit 1)"), 1, "error: cdk deploy of stage dev failed"),
        (KeyboardInterrupt(), 130, "interrupted: the emulator this command started was stopped"),
    ],
)
def test_an_up_whose_deploy_fails_or_is_interrupted_leaves_nothing_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], failure: BaseException,
    code: int, said: str,
) -> None:  # fmt: skip
    started: list[int] = []
    real_start = emulator.start

    def start(folder: Path, **kwargs: object) -> object:
        running = real_start(folder, **kwargs)
        started.append(running.pid)
        return running

    def deploy(folder: Path, **kwargs: object) -> object:
        raise failure

    monkeypatch.setattr(emulator, "start", start)
    monkeypatch.setattr(emulator, "deploy", deploy)
    assert emulator.main(["up", "--state-dir", str(tmp_path)]) == code
    out, err = capsys.readouterr()
    assert said in err and out == ""  # nothing for `eval` to run
    assert started and emulator.read_state(tmp_path) is None
    with pytest.raises(ProcessLookupError):
        os.killpg(started[0], 0)


@pytest.mark.usefixtures("installed")
def test_an_interrupted_deploy_leaves_the_running_emulator_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    running = emulator.start(tmp_path)
    try:

        def deploy(folder: Path, **kwargs: object) -> object:
            raise KeyboardInterrupt

        monkeypatch.setattr(emulator, "deploy", deploy)
        assert emulator.main(["deploy", "--state-dir", str(tmp_path)]) == 130
        assert f"interrupted; the emulator is still running on {running.endpoint}" in capsys.readouterr().err
        assert emulator.read_state(tmp_path) == running
    finally:
        emulator.stop(tmp_path)
    assert emulator.main(["deploy", "--state-dir", str(tmp_path)]) == 130  # nothing running: it says so
    assert "interrupted; the emulator is not running" in capsys.readouterr().err


@pytest.mark.parametrize("content", ["{not json", '{"pid": 1}', '["a list"]'])
def test_a_state_file_that_cannot_be_read_is_named_and_down_clears_it(tmp_path: Path, content: str) -> None:
    (tmp_path / "state.json").write_text(content)
    for command in ("env", "start"):
        result = run(tmp_path, command)
        assert result.returncode == 1 and result.stdout == ""
        assert f"{tmp_path / 'state.json'} cannot be read as this script's state" in result.stderr
        assert "Traceback" not in result.stderr
    cleared = run(tmp_path, "down")
    assert cleared.returncode == 1 and "cannot be read" in cleared.stderr
    assert not (tmp_path / "state.json").exists()
    assert run(tmp_path, "down").stderr.strip() == "no emulator was running"


def test_help_explains_every_subcommand_there_is(tmp_path: Path) -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0
    choices = result.stdout.split("{", 1)[1].split("}", 1)[0].split(",")
    table = emulator.COMMANDS_HELP.split("\n\n", 1)[0].splitlines()[1:]  # the lines under "commands:"
    explained = [line.split()[0] for line in table]
    assert explained == choices == ["start", "bootstrap", "deploy", "up", "env", "down"]
