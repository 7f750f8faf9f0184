"""``release status``: what is live for a function, and where it drifts from ``stages.toml``.

  release status --stage prod
  release status --stage prod --json
  release status --stage prod --pin          # write the live aliases into stages.toml

Shows published versions (number, description, code SHA-256, size, date), each alias with its
version and weighted route, the versions no alias uses, code storage against the account's quota
(GetAccountSettings), any CodeDeploy deployment in progress for the function, and drift: each
alias whose live state differs from what the stage declares, with the exact stages.toml lines that
make the next ``cdk deploy`` agree (``--pin`` writes them, validated, or writes nothing).

``--json``: {function, stage, source, stackVersion, versions: [{version, description, codeSha256,
codeSize, lastModified, aliases}], aliases: [{name, version, weights, revisionId}], unusedVersions,
functionCodeBytes, codeStorage: {usedBytes, limitBytes, note}, deployments: [{id, status, alias,
currentVersion, targetVersion}], driftChecked, drift: [{alias, kind, declared, live, toml,
pinnable, note}], pinned (the aliases --pin wrote)}. Exit codes: 0 shown (drift or not, unless --fail-on-drift), 1 with
--fail-on-drift when the drift section lists any alias (moved, missing live, undeclared in stages.toml,
or unknown; an alias --pin just wrote no longer counts), 2 bad input (--versions below 0) or AWS error.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from release_cli.commands._options import command_parser
from release_cli.commands._release_options import add_json, add_target, context_for, target_for
from release_cli.ops.errors import EXIT_OK, EXIT_REFUSED, OpsError
from release_cli.ops.output import human_bytes, print_json, table
from release_cli.ops.stages_pin import pin
from release_cli.ops.status_report import Status, collect_status
from service_model.stages import load_stage, load_stages, stages_file

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
    target = target_for(ctx, args)
    status = collect_status(ctx, target, config)
    pinned = pin(path, str(args.stage), status.drift) if args.pin else []
    if args.json:
        document = status.to_json()
        document["pinned"] = pinned
        print_json(document)
    else:
        _print(status, newest=args.versions)
        if args.pin:
            print(f"pinned in {path}: {', '.join(pinned)}" if pinned else "nothing to pin")
    drifted = [d for d in status.drift if d.alias not in pinned]  # every drift it prints counts
    return EXIT_REFUSED if (args.fail_on_drift and drifted) else EXIT_OK


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
