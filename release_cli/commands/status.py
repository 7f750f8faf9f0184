"""``release status``: what is live for each function, and where it drifts from ``stages.toml``.

  release status --stage prod                          # every function of the stage
  release status --stage prod --function order-api     # one function
  release status --stage prod --json
  release status --stage prod --pin          # write the live aliases into stages.toml

Shows published versions (number, description, code SHA-256, size, date), each alias with its
version and weighted route, the versions no alias uses, code storage against the account's quota
(GetAccountSettings), any CodeDeploy deployment in progress for the function (not asked when the
stack's RolloutAliases outputs say no alias of the functions shown has a rollout), and drift: each
alias whose live state differs from what the stage declares, with the exact stages.toml lines that
make the next ``cdk deploy`` agree (``--pin`` writes them, validated, or writes nothing).

``--json``: {key, function, stage, source, stackVersion, versions: [{version, description,
codeSha256, codeSize, lastModified, aliases}], aliases: [{name, version, weights, revisionId}],
unusedVersions, functionCodeBytes, codeStorage: {usedBytes, limitBytes, note}, deployments: [{id,
status, alias, currentVersion, targetVersion}], driftChecked, drift: [{alias, kind, declared, live,
toml, pinnable, note}], pinned (the aliases --pin wrote)} for one function (with --function, or
without --stage, or a stage of one function); with --stage alone on a stage of several functions,
every function: {stage, functions: [that document without pinned, one per function], pinned}. --pin
writes an alias in the block that declares it for the function
([[stages.<stage>.functions.<key>.aliases]], or the stage's own when only that function inherits
it); an alias the stage declares for several functions is refused (pinning it would move the others'
too) and nothing is written. Exit codes: 0 shown (drift or not, unless --fail-on-drift), 1 with
--fail-on-drift when the drift section of any function lists any alias (moved, missing live,
undeclared in stages.toml, or unknown; an alias --pin just wrote no longer counts), 2 bad input
(--versions below 0) or AWS error.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from release_cli.commands._options import command_parser
from release_cli.commands._release_options import add_json, add_target, context_for
from release_cli.ops.drift import Drift
from release_cli.ops.errors import EXIT_OK, EXIT_REFUSED, OpsError
from release_cli.ops.output import human_bytes, print_json, table
from release_cli.ops.stages_pin import pin_functions
from release_cli.ops.status_report import Status, account_reads, collect_status
from release_cli.ops.target import Target, resolve_target, targets_for_stage
from service_model.functions import FunctionConfig
from service_model.stages import StageConfig, load_stage, load_stages, stages_file

MIN_VERSIONS = 0
"""``--versions 0`` lists no versions in the table (the JSON always lists them all); fewer means nothing."""


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers, "status", help_text="versions, aliases, storage, deployments and drift", description=__doc__
    )
    add_target(parser)
    parser.add_argument(
        "--versions", type=int, default=20, help="newest versions to list in the table, 0 or more (JSON: all)"
    )
    parser.add_argument("--pin", action="store_true", help="write the live aliases into stages.toml (needs --stage)")
    parser.add_argument(
        "--fail-on-drift",
        action="store_true",
        help="exit 1 when the drift section lists any alias (moved, missing, undeclared, unknown)",
    )
    parser.add_argument("--stages-file", type=Path, help="stages file to compare with (default: the project's)")
    add_json(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if args.versions < MIN_VERSIONS:
        raise OpsError(
            f"--versions {args.versions}: give a count of {MIN_VERSIONS} or more "
            "(the newest versions to list; 0 lists none, --json always lists all)"
        )
    if args.pin and not args.stage:
        raise OpsError("--pin writes the stage's entry in stages.toml: give --stage")
    path = args.stages_file or stages_file()
    if args.stages_file and not args.stage:
        load_stages(path)  # a named file is read and checked even when no stage is compared with it
    config = load_stage(args.stage, path) if args.stage else None  # before any AWS call: bad input first
    ctx = context_for(args)
    if config is not None and not args.function and len(config.functions) > 1:
        targets = targets_for_stage(ctx, config.name, audit_table=args.audit_table, config=config)
        shared = account_reads(ctx, targets)  # one GetAccountSettings and one deployment listing for every function
        statuses = [collect_status(ctx, t, config.function(str(t.function_key)), shared=shared) for t in targets]
    else:
        target = resolve_target(
            ctx, stage=args.stage, function=args.function, audit_table=args.audit_table, config=config
        )
        statuses = [collect_status(ctx, target, _declared(config, target))]
    pinned = _pin_all(path, config, statuses) if args.pin else {}
    if args.json:
        documents = [{**s.to_json(), "pinned": pinned.get(s.target.function_key, [])} for s in statuses]
        if len(statuses) == 1 or config is None:
            print_json(documents[0])
        else:
            everything = [d for names in pinned.values() for d in names]
            print_json(
                {"stage": config.name, "functions": [_without_pinned(d) for d in documents], "pinned": everything}
            )
    else:
        for index, status in enumerate(statuses):
            if len(statuses) > 1:
                print(f"{'' if index == 0 else chr(10)}== {status.target.function_key}: {status.target.function}")
            _print(status, newest=args.versions)
        if args.pin:
            everything = [
                f"{key}/{name}" if len(statuses) > 1 else name for key, names in pinned.items() for name in names
            ]
            print(f"pinned in {path}: {', '.join(everything)}" if everything else "nothing to pin")
    drifted = [d for s in statuses for d in s.drift if d.alias not in pinned.get(s.target.function_key, [])]
    return EXIT_REFUSED if (args.fail_on_drift and drifted) else EXIT_OK


def _declared(config: StageConfig | None, target: Target) -> FunctionConfig | None:
    """What the target's aliases are compared with: its function's declaration, found by key or name.
    A function the stage does not declare has no declaration: drift is not checked."""
    if config is None:
        return None
    if target.function_key:
        return config.function(target.function_key)
    return config.function_named(target.function.split(":function:")[-1].split(":")[0])


def _pin_all(path: Path, config: StageConfig | None, statuses: list[Status]) -> dict[str | None, list[str]]:
    """Pin every function's drift in one rewrite of the file: all of it, or (on any refusal) nothing."""
    assert config is not None, "--pin needs --stage (checked above)"
    keys: list[str] = []  # each status's function, found once
    for status in statuses:
        function = _declared(config, status.target)
        if function is None:
            raise OpsError(
                f"--pin: {status.target.function} is not a function of stage {config.name}; nothing was written"
            )
        keys.append(function.key)
    drifts: dict[str | None, list[Drift]] = {key: s.drift for key, s in zip(keys, statuses, strict=True)}
    pinned = pin_functions(path, config.name, drifts)
    return {s.target.function_key: pinned.get(key, []) for key, s in zip(keys, statuses, strict=True)}


def _without_pinned(document: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in document.items() if k != "pinned"}


def _print(status: Status, *, newest: int) -> None:
    target = status.target
    print(f"function {target.function} ({target.source})")
    users = status.used_by()
    shown = status.versions[-newest:] if newest > 0 else []
    print(f"\nversions: {len(status.versions)} published" + (f", newest {len(shown)} shown" if shown else ""))
    if shown:
        rows = [
            (
                v.number,
                v.description,
                v.code_sha256[:12],
                human_bytes(v.code_size),
                v.last_modified,
                ", ".join(users.get(v.number, [])),
            )
            for v in reversed(shown)
        ]
        table(("version", "description", "sha256", "size", "modified", "aliases"), rows)
    print("\naliases:")
    table(("alias", "version", "route"), [(a.name, a.version, a.describe()) for a in status.aliases])
    unused = status.unused()
    print(f"\nversions no alias uses: {_short_list(unused) if unused else 'none'}")
    storage = status.storage
    function_bytes = sum(v.code_size for v in status.versions)
    if storage.used_bytes is not None and storage.limit_bytes:
        share = storage.used_bytes / storage.limit_bytes
        account = f"{human_bytes(storage.used_bytes)} of {human_bytes(storage.limit_bytes)} ({share:.1%})"
    elif storage.used_bytes is not None:  # an answer without AccountLimit: the usage still counts
        account = f"{human_bytes(storage.used_bytes)} (no limit reported)"
    else:
        account = storage.note
    print(f"code storage: this function's versions {human_bytes(function_bytes)}; account: {account}")
    if status.live_deployments:
        print("\nCodeDeploy deployments in progress:")
        live = [
            (d.deployment_id, d.status, d.alias, d.current_version, d.target_version) for d in status.live_deployments
        ]
        table(("deployment", "status", "alias", "from", "to"), live)
    else:
        print("CodeDeploy deployments in progress: none")
    if not status.drift_checked:
        print("drift: not checked (give --stage to compare with stages.toml)")
    elif not status.drift:
        print("drift: none (live aliases match stages.toml)")
    else:
        print("\ndrift from stages.toml:")
        table(("alias", "kind", "declared", "live"), [(d.alias, d.kind, d.declared, d.live) for d in status.drift])
        for d in status.drift:
            if d.toml:
                print(f"  to make the next deploy agree, set in alias {d.alias!r}: {'; '.join(d.toml)}")
            if d.note:
                print(f"  {d.alias}: {d.note}")


def _short_list(items: list[str], limit: int = 30) -> str:
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f", ... ({len(items)} in all)"
