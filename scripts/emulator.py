"""The local AWS emulator: start it, deploy a stage to it with the real CDK CLI, point a shell at it, stop it.

One command for a person and for the tests (``tests/emulator``, ``bench/emulator_lab.py``)::

    eval "$(.venv/bin/python scripts/emulator.py up)"   # start, bootstrap, deploy dev; the shell now talks to it
    release status --stage dev                          # every release command works on what was deployed
    .venv/bin/python scripts/emulator.py down           # stop it (nothing is kept)

The emulator is ``ministack`` (pinned in ``requirements-emulator.txt``, in ``.venv-emulator``, which
``scripts/setup.sh`` installs): it runs on a free 127.0.0.1 port with no persistence, as account
000000000000 in us-east-1, and runs the Lambda handlers in its own Python (the Lambda runtime's).
``deploy`` runs ``cdk bootstrap`` once, then ``cdk deploy --context stage=S --context target=emulator``:
what the emulator cannot hold is left out by that one setting (``stacks/deploy_target.py``).

Every AWS call this script makes or starts goes to the emulator: the environment it gives the CDK CLI
(and prints for a shell) sets ``AWS_ENDPOINT_URL`` and test credentials and drops any profile, so a
person's real credentials are never used. What runs is kept in a state folder (``.emulator/``, or
``--state-dir``/``EMULATOR_STATE_DIR``): ``state.json`` (pid, port, endpoint) and the emulator's log.

Subcommands: ``start``, ``bootstrap``, ``deploy`` (bootstraps first if needed), ``up`` (start + deploy),
``env`` (the shell lines), ``down``.
Exit codes: 0 done, 1 a step failed (the message names it; the log's tail follows; a failed `up` stops the
emulator it started), 2 bad input, 130 interrupted (start and up stop what they started; deploy leaves it).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv-emulator"
EMULATOR = VENV / "bin" / "ministack"
CDK = ROOT / "scripts" / "cdk"
ACCOUNT = "000000000000"
"""The emulator's default account; a custom account id broke the CDK CLI's bootstrap SSM lookup."""
REGION = "us-east-1"
HOST = "127.0.0.1"
STATE_VARIABLE = "EMULATOR_STATE_DIR"
DEFAULT_STATE_DIR = ROOT / ".emulator"
HEALTH_PATH = "/_ministack/health"
START_TIMEOUT_S = 60.0
STOP_TIMEOUT_S = 10.0
ACCESS_KEY = "test"
SECRET_KEY = "test"
DROPPED = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_DEFAULT_PROFILE")
"""Variables that could send a call to a real account; the emulator's environment removes them."""


class EmulatorError(Exception):
    """A step that failed; the message names it and what to do."""


@dataclass(frozen=True)
class Running:
    """An emulator this script started: its process (group leader), port and log."""

    pid: int
    port: int
    log: str
    bootstrapped: bool = False

    @property
    def endpoint(self) -> str:
        return f"http://{HOST}:{self.port}"


def state_dir(given: str | None = None, environ: Mapping[str, str] = os.environ) -> Path:
    return Path(given or environ.get(STATE_VARIABLE) or DEFAULT_STATE_DIR).resolve()


def read_state(folder: Path) -> Running | None:
    """The emulator recorded in ``folder``, or None when none is recorded or its process is gone."""
    path = folder / "state.json"
    if not path.is_file():
        return None
    try:
        running = Running(**json.loads(path.read_text()))
    except (OSError, ValueError, TypeError) as err:  # unreadable, not JSON, or not this script's fields
        raise EmulatorError(
            f"{path} cannot be read as this script's state ({err}); `down` removes it (stop by hand any "
            "emulator it named)"
        ) from None
    return running if _alive(running.pid) else None


def write_state(folder: Path, running: Running) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    tmp = folder / "state.json.tmp"
    tmp.write_text(json.dumps(asdict(running)))
    tmp.replace(folder / "state.json")


def free_port() -> int:
    """A port nothing listens on now (the OS picks it; the emulator binds it a moment later)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def aws_environment(endpoint: str, base: Mapping[str, str] = os.environ) -> dict[str, str]:
    """``base`` with every AWS call pointed at the emulator: endpoint, test credentials, Region, no profile."""
    env = {key: value for key, value in base.items() if key not in DROPPED}
    env.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID=ACCESS_KEY,
        AWS_SECRET_ACCESS_KEY=SECRET_KEY,
        AWS_REGION=REGION,
        AWS_DEFAULT_REGION=REGION,
        AWS_CONFIG_FILE=os.devnull,
        AWS_SHARED_CREDENTIALS_FILE=os.devnull,
    )
    return env


def shell_lines(running: Running) -> str:
    """What ``eval "$(scripts/emulator.py env)"`` runs: the same variables as ``aws_environment``."""
    exports = aws_environment(running.endpoint, {})
    lines = [f"unset {' '.join(DROPPED)}"]
    lines += [f"export {key}={value}" for key, value in exports.items()]
    return "\n".join(lines) + "\n"


def start(folder: Path, *, port: int | None = None) -> Running:
    """Start the pinned emulator on ``port`` (default: a free one) and wait until it answers."""
    if not EMULATOR.is_file():
        raise EmulatorError(
            f"the emulator is not installed ({EMULATOR.relative_to(ROOT)} is missing): run `bash scripts/setup.sh`"
        )
    if (running := read_state(folder)) is not None:
        raise EmulatorError(
            f"an emulator is already running on {running.endpoint} (pid {running.pid}); "
            f"stop it first: .venv/bin/python scripts/emulator.py down"
        )
    folder.mkdir(parents=True, exist_ok=True)
    port = port or free_port()
    log = folder / "emulator.log"
    env = _emulator_process_environment(folder, port)
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(EMULATOR)], env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            cwd=folder, start_new_session=True,
        )  # fmt: skip
    running = Running(pid=process.pid, port=port, log=str(log))
    write_state(folder, running)
    try:
        _wait_until_healthy(running, process)
    except BaseException:
        stop(folder)
        raise
    return running


def _emulator_process_environment(folder: Path, port: int) -> dict[str, str]:
    """The emulator's own environment: its port on 127.0.0.1 only, its files in ``folder``, its venv's
    ``python3`` first on PATH (it runs handlers with it), and the endpoint handlers' SDK calls go to."""
    env = aws_environment(f"http://{HOST}:{port}")
    env.update(
        GATEWAY_PORT=str(port),
        BIND_HOST=HOST,
        MINISTACK_HOST="localhost",
        MINISTACK_REGION=REGION,
        MINISTACK_ACCOUNT_ID=ACCOUNT,
        TMPDIR=str(folder),
        STATE_DIR=str(folder / "state"),
        S3_DATA_DIR=str(folder / "s3"),
        PERSIST_STATE="0",
        LOG_LEVEL=env.get("EMULATOR_LOG_LEVEL", "WARNING"),
        PATH=f"{VENV / 'bin'}{os.pathsep}{env.get('PATH', '')}",
    )
    env.pop("VIRTUAL_ENV", None)
    env.pop("PYTHONPATH", None)
    return env


def _wait_until_healthy(running: Running, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise EmulatorError(f"the emulator exited with {process.returncode} while starting{_log_tail(running)}")
        try:
            with urllib.request.urlopen(running.endpoint + HEALTH_PATH, timeout=2) as answer:
                if answer.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise EmulatorError(
        f"the emulator did not answer on {running.endpoint} within {START_TIMEOUT_S:.0f} s{_log_tail(running)}"
    )


def stop(folder: Path) -> bool:
    """Stop the emulator recorded in ``folder`` (its whole process group: handler workers too).
    True when one was running; the state file goes either way."""
    path = folder / "state.json"
    try:
        running = read_state(folder)
    finally:
        path.unlink(missing_ok=True)  # a state that cannot be read goes too, so the next start works
    if running is None:
        return False
    with contextlib.suppress(ProcessLookupError):
        os.killpg(running.pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_TIMEOUT_S
    while _alive(running.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(running.pid, signal.SIGKILL)
    return True


def bootstrap(folder: Path) -> Running:
    """``cdk bootstrap`` the emulator's account and Region once (recorded in the state; a no-op after)."""
    running = _require_running(folder)
    if not running.bootstrapped:
        env = aws_environment(running.endpoint)
        _run_cdk(["bootstrap", f"aws://{ACCOUNT}/{REGION}", "--output", str(folder / "cdk.out")], env, "cdk bootstrap")
        running = Running(pid=running.pid, port=running.port, log=running.log, bootstrapped=True)
        write_state(folder, running)
    return running


def deploy(folder: Path, *, stage: str = "dev", extra: tuple[str, ...] = ()) -> Running:
    """Bootstrap once, then ``cdk deploy`` the stage to the emulator (outputs in
    ``<folder>/outputs-<stage>.json``). The emulator's templates go to ``<folder>/cdk.out``, never the
    project's ``cdk.out``: the review gate must judge the stages as AWS gets them, not without what the
    emulator leaves out."""
    running = bootstrap(folder)
    command = [
        "deploy", "--context", f"stage={stage}", "--context", "target=emulator", "--require-approval", "never",
        "--outputs-file", str(folder / f"outputs-{stage}.json"), "--output", str(folder / "cdk.out"), *extra,
    ]  # fmt: skip
    _run_cdk(command, aws_environment(running.endpoint), f"cdk deploy of stage {stage}")
    return running


def _require_running(folder: Path) -> Running:
    running = read_state(folder)
    if running is None:
        raise EmulatorError("no emulator is running: start one first (.venv/bin/python scripts/emulator.py up)")
    return running


def _run_cdk(args: list[str], env: dict[str, str], what: str) -> None:
    """The project's pinned CDK CLI in this script's project (the app it deploys is that project's); its
    output goes to stderr (stdout is for the shell lines)."""
    result = subprocess.run([str(CDK), *args], env=env, cwd=ROOT, stdout=sys.stderr, stderr=sys.stderr)
    if result.returncode != 0:
        raise EmulatorError(f"{what} failed (exit {result.returncode}); its output is above")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    with contextlib.suppress(ChildProcessError):
        if os.waitpid(pid, os.WNOHANG)[0] == pid:  # our own child that exited: reaped now, gone
            return False
    return True


def _log_tail(running: Running, lines: int = 20) -> str:
    path = Path(running.log)
    if not path.is_file():
        return ""
    tail = path.read_text(errors="replace").splitlines()[-lines:]
    return "; the emulator's log ends:\n" + "\n".join(tail) if tail else ""


@contextlib.contextmanager
def emulator(folder: Path, *, stage: str | None = "dev") -> Iterator[Running]:
    """Start (and deploy ``stage``, unless None), yield, and always stop: what the tests use."""
    running = start(folder)
    try:
        if stage is not None:
            running = deploy(folder, stage=stage)
        yield running
    finally:
        stop(folder)


COMMANDS_HELP = """commands:
  start      start the emulator on a free 127.0.0.1 port (state and log in the state folder)
  bootstrap  cdk bootstrap its account 000000000000 in us-east-1 (once; deploy does it when needed)
  deploy     cdk deploy --context stage=STAGE --context target=emulator to the running emulator
  up         start + deploy
  env        print the shell lines that point a shell at the running emulator
  down       stop it (its handler workers too); nothing is kept

start, deploy, up and env print those shell lines on stdout (progress goes to stderr), so
  eval "$(.venv/bin/python scripts/emulator.py up)"
leaves the shell talking to the emulator, never to an account.
exit codes: 0 done, 1 a step failed (a failed up stops what it started), 2 bad input,
130 interrupted (start and up stop what they started; deploy leaves the emulator running)"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="scripts/emulator.py",
        description="Run the local AWS emulator and deploy a stage to it with the real CDK CLI (no account needed).",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=COMMANDS_HELP,
    )
    parser.add_argument("command", choices=("start", "bootstrap", "deploy", "up", "env", "down"))
    parser.add_argument(
        "--stage", default="dev", help="stage to deploy (default dev; a stage with a rollout is refused)"
    )
    parser.add_argument("--port", type=int, help="port on 127.0.0.1 (default: a free one)")
    parser.add_argument(
        "--state-dir", help=f"where the state and log are kept (default .emulator/, or ${STATE_VARIABLE})"
    )
    args = parser.parse_args(argv)
    folder = state_dir(args.state_dir)
    try:
        return _run(args.command, folder, stage=args.stage, port=args.port)
    except EmulatorError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        # start and up stop the emulator they started (a half-started one is of no use); deploy leaves
        # the running emulator as it is: CloudFormation there finishes or rolls back on its own.
        if args.command in ("start", "up"):
            print("interrupted: the emulator this command started was stopped", file=sys.stderr)
        else:
            running = read_state(folder)
            where = f"still running on {running.endpoint}" if running else "not running"
            print(f"interrupted; the emulator is {where}", file=sys.stderr)
        return 130


def _run(command: str, folder: Path, *, stage: str, port: int | None) -> int:
    if command == "down":
        print("emulator stopped" if stop(folder) else "no emulator was running", file=sys.stderr)
        return 0
    if command == "env":
        print(shell_lines(_require_running(folder)), end="")
        return 0
    began = time.monotonic()
    if command == "bootstrap":
        print(shell_lines(bootstrap(folder)), end="")
        return 0
    if command == "deploy":
        running = deploy(folder, stage=stage)
    else:
        running = start(folder, port=port)
        print(f"emulator running on {running.endpoint} (started in {time.monotonic() - began:.1f} s)", file=sys.stderr)
        if command == "up":
            try:
                running = deploy(folder, stage=stage)
            except BaseException:
                stop(folder)  # a failed or interrupted `up` leaves nothing running
                raise
    if command != "start":
        print(f"stage {stage} deployed to the emulator ({time.monotonic() - began:.1f} s in all)", file=sys.stderr)
    print(shell_lines(running), end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())
