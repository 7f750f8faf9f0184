"""How a move's outcome is printed: the plan on a dry run, the change and its audit record otherwise."""

from __future__ import annotations

from release_cli.ops.alias_move import MoveResult, print_calls
from release_cli.ops.lambda_reads import AliasState
from release_cli.ops.output import print_json


def report_move(result: MoveResult, *, as_json: bool) -> None:
    """``--json``: ``MoveResult.to_json()`` (alias, action, from, to, changed, dryRun, calls, audit,
    stoppedDeployments). Text: one line for the move, then the plan or the audit record."""
    if as_json:
        print_json(result.to_json())
        return
    after = AliasState(name=result.alias, version=result.route.version, weights=result.route.weights)
    line = f"{result.action}: alias {result.alias}: {result.before.describe()} -> {after.describe()}"
    if not result.changed and not result.calls:
        print(f"{line}: already there, nothing to change")
        return
    if result.dry_run:
        print(line)
        print_calls(result.calls)
        return
    print(line)
    for stopped in result.stopped_deployments:
        print(f"stopped deployment {stopped}")
    if result.record is not None:
        print(f"audit: {result.record.pk} {result.record.sk} by {result.record.who}")
