"""One audited prune: every version it deleted is in its audit record, and no version it did not.

1. Before the first delete, the record is proved writable (``audit_log.check_table``: keys PK and SK,
   both strings, and the PutItem permission) and STS names the caller (``commands/prune.py`` does both
   before it asks for confirmation).
2. Deletes go in batches of ``BATCH``. Before each batch the aliases are read again: a version an
   alias or weighted route points to now is skipped, and so is one AWS refuses to delete
   (``ResourceConflictException``: an alias took it between that read and the delete). Skipped
   versions are reported and never recorded.
3. After each batch the prune's one record (one key for the whole prune) is written again with every
   version deleted so far, with the PutItem permission step 1 proved and the condition
   ``attribute_not_exists(PK) OR recordId = :id``: it creates the record or replaces that same record,
   never another one, and writing it twice is harmless. Written after the deletes it lists, the
   record never names a version that still exists; however the process dies (SIGKILL, power loss),
   at most one batch of deletions is missing from it. Why batches: a record written only in a
   ``finally`` is lost with everything on SIGKILL, and a record per delete doubles the calls.
4. For the prune's duration SIGINT and SIGTERM raise (``interrupts.SignalGuard``; the previous
   handlers come back after). Whatever stops the deletes (a signal, an AWS error such as
   AccessDenied on one version, a record write that failed), the handler writes the record with
   what was really deleted. A DeleteFunction a signal cut short before Lambda answered may still be
   carried out (Lambda does not need the client to wait), so it is sent once more and its answer
   decides: deleted (or already gone) is recorded, refused is not, no answer is reported as unknown.
   Further signals wait until that write is done.
5. A stopped prune raises ``PruneStopped``, whose message lists what was deleted and what was not;
   exit 130 (SIGINT), 143 (SIGTERM) or 2 (an AWS or other error). If the record could not be written,
   the message opens with the capitals warning a move uses (``VERSIONS ... WERE DELETED BUT THE AUDIT
   RECORD WAS NOT WRITTEN``) and gives an ``aws dynamodb put-item`` that pastes into a shell as is;
   a signal keeps its exit code, anything else exits 2.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from release_cli.ops import audit_log
from release_cli.ops.audit_log import AuditRecord
from release_cli.ops.clients import AwsContext, aws_call, error_code
from release_cli.ops.errors import EXIT_INPUT, OpsError
from release_cli.ops.interrupts import Interrupted, SignalGuard
from release_cli.ops.lambda_reads import list_aliases

BATCH = 10
"""Deletes between two writes of the record: at most this many can ever be missing from it."""


class PruneStopped(OpsError):
    """A prune stopped partway (a signal or an error); the message says what was and was not deleted."""

    def __init__(self, message: str, exit_code: int) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@dataclass
class PruneProgress:
    """What the prune has done so far: the source of every record it writes."""

    record: AuditRecord
    sizes: dict[str, int]
    deleted: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    in_flight: str | None = None
    recorded: tuple[str, ...] = ()

    def current_record(self) -> AuditRecord:
        freed = sum(self.sizes.get(number, 0) for number in self.deleted)
        return replace(self.record, deleted_versions=tuple(self.deleted), bytes_freed=freed)

    @property
    def bytes_freed(self) -> int:
        return self.current_record().bytes_freed


def batches(numbers: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(numbers), BATCH):
        yield numbers[start : start + BATCH]


def planned_calls(function: str, table: str, record: AuditRecord, numbers: list[str]) -> list[dict[str, Any]]:
    """The calls that change something, in the order ``run_prune`` makes them (aliases are re-read
    before each batch; reads are not listed): each batch's DeleteFunctions, then the record's PutItem."""
    calls: list[dict[str, Any]] = []
    done: list[str] = []
    for batch in batches(numbers):
        for number in batch:
            calls.append({"call": "lambda.DeleteFunction", "request": {"FunctionName": function, "Qualifier": number}})
        done += batch
        written = replace(record, deleted_versions=tuple(done))
        calls.append({"call": "dynamodb.PutItem", "request": audit_log.put_item_request(table, written, replace=True)})
    return calls


def run_prune(
    ctx: AwsContext,
    *,
    function: str,
    table: str,
    numbers: list[str],
    record: AuditRecord,
    sizes: dict[str, int],
    say: Callable[[str], None] = lambda line: print(line, file=sys.stderr, flush=True),
) -> PruneProgress:
    """Delete ``numbers`` under every guarantee above; the record is ``record`` plus what was deleted."""
    progress = PruneProgress(record=record, sizes=sizes)
    with SignalGuard() as guard:
        try:
            for batch in batches(numbers):
                in_use = {v for alias in list_aliases(ctx, function) for v in alias.routed_versions}
                delete_versions(ctx, function, batch, in_use, progress)
                _write(ctx, table, progress)
                say(
                    f"prune: {len(progress.deleted)} of {len(numbers)} version(s) deleted and recorded "
                    f"(record {progress.record.sk})"
                )
        except (Exception, KeyboardInterrupt) as stop:
            guard.hold()
            raise _stopped(ctx, function, table, numbers, progress, stop) from None
    return progress


def delete_versions(
    ctx: AwsContext, function: str, numbers: list[str], in_use: set[str], progress: PruneProgress | None = None
) -> tuple[list[str], list[str]]:
    """DeleteFunction each version not in ``in_use``; one AWS refuses as referenced is skipped.
    Appends to ``progress`` as it goes (so a stop knows exactly where it was) and returns
    (deleted, skipped) for this call."""
    from botocore.exceptions import ClientError

    client = ctx.client("lambda")
    deleted: list[str] = []
    skipped: list[str] = []
    for number in numbers:
        if number in in_use:
            skipped.append(f"{number}: an alias points to it now")
            continue
        if progress is not None:
            progress.in_flight = number
        with aws_call(f"deleting version {number} of {function}"):
            try:
                client.delete_function(FunctionName=function, Qualifier=number)
            except ClientError as err:
                if error_code(err) != "ResourceConflictException":
                    if progress is not None:
                        progress.in_flight = None  # Lambda answered: this version was not deleted
                    raise
                skipped.append(f"{number}: {err.response.get('Error', {}).get('Message', 'in use')}")
                number = ""
        if number:
            deleted.append(number)
            if progress is not None:
                progress.deleted.append(number)
        if progress is not None:
            progress.in_flight = None
    if progress is not None:
        progress.skipped += skipped
    return deleted, skipped


def _write(ctx: AwsContext, table: str, progress: PruneProgress) -> None:
    """Write the record when it has deletions it does not list yet (a prune that deleted nothing
    writes none)."""
    if tuple(progress.deleted) == progress.recorded:
        return
    record = progress.current_record()
    audit_log.write_record(ctx, table, record, replace=True)
    progress.recorded = record.deleted_versions


def _settle_in_flight(ctx: AwsContext, function: str, progress: PruneProgress) -> None:
    """The version whose DeleteFunction a stop cut short, before Lambda answered. The request may
    already be with Lambda, which carries it out whether or not anyone waits for the answer, so a
    look-up could race it; the delete is sent again instead and its answer settles the outcome:
    done or ResourceNotFoundException (the first request got there) is deleted, any other answer
    is not, and no answer at all is unknown."""
    number, progress.in_flight = progress.in_flight, None
    if number is None:
        return
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        ctx.client("lambda").delete_function(FunctionName=function, Qualifier=number)
    except ClientError as err:
        if error_code(err) == "ResourceNotFoundException":
            progress.deleted.append(number)
        elif error_code(err) == "ResourceConflictException":
            progress.skipped.append(f"{number}: {err.response.get('Error', {}).get('Message', 'in use')}")
        return
    except BotoCoreError:
        progress.unknown.append(number)
        return
    progress.deleted.append(number)


def _stopped(
    ctx: AwsContext, function: str, table: str, numbers: list[str], progress: PruneProgress, stop: BaseException
) -> PruneStopped:
    """Record what was really deleted, then the message and exit code of the stop."""
    _settle_in_flight(ctx, function, progress)
    write_error: Exception | None = None
    try:
        _write(ctx, table, progress)
    except Exception as err:  # reported loudly below, never swallowed
        write_error = err
    if isinstance(stop, Interrupted):
        why, code = f"stopped by {stop.name}", stop.exit_code
    elif isinstance(stop, KeyboardInterrupt):
        why, code = "stopped by SIGINT", 130
    else:
        why, code = f"stopped by an error: {stop}", EXIT_INPUT
    done = set(progress.deleted) | set(progress.unknown) | {s.split(":", 1)[0] for s in progress.skipped}
    not_deleted = [n for n in numbers if n not in done]
    lines = [
        f"prune of {function} {why}",
        f"deleted ({len(progress.deleted)} of {len(numbers)}): {', '.join(progress.deleted) or 'none'}",
        f"not deleted ({len(not_deleted)}): {', '.join(not_deleted) or 'none'}",
    ]
    lines += [f"skipped {note}" for note in progress.skipped]
    if progress.unknown:
        lines.append(
            f"unknown (DeleteFunction was cut short and Lambda could not be asked; not recorded): "
            f"{', '.join(progress.unknown)}; check with release status"
        )
    if write_error is not None:
        command = audit_log.put_item_command(audit_log.put_item_request(table, progress.current_record(), replace=True))
        lines[:0] = [
            f"VERSIONS {', '.join(progress.deleted)} WERE DELETED BUT THE AUDIT RECORD WAS NOT WRITTEN: {write_error}",
            "Record it by hand (the command is quoted for a POSIX shell; paste it as is):",
            f"  {command}",
        ]
        code = code if isinstance(stop, KeyboardInterrupt) else EXIT_INPUT
    elif progress.deleted:
        lines.append(f"the audit record {progress.record.sk} in {table} lists exactly the deleted versions")
    else:
        lines.append("nothing was deleted, so no audit record was written")
    lines.append("run the same prune again to go on (it plans afresh)")
    return PruneStopped("\n".join(lines), code)
