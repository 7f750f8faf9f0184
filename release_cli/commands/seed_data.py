"""``release seed-data``: write the seed lab's sample orders (sample_data/orders.json) to a stage's orders table.

The seed's GetOrderStatus test event reads ORD-2024-001; on a deployed stage that order exists only
after this command (``release local`` and ``release serve`` load the same file into their local tables).

* idempotent: a rerun reports "unchanged" and writes nothing new;
* never overwrites a real order: an order without the ``sampleData`` mark under a sample id is kept
  as it is (the write is conditional, so this holds even against a concurrent writer);
* prod is refused unless told twice (--allow-prod --yes): sample data does not belong in production.

``--json``: {table, orders: [{orderId, outcome}]} (outcome: written, unchanged or kept); on an error,
{error: {message, exitCode}}.
Exit codes: 0 every sample order is in place or a real order was kept; 2 bad input (prod without
both flags, unreadable sample file) or an AWS error (no table, no credentials).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from release_cli.commands._options import add_stage, aws_region, command_parser
from release_cli.error_report import report_error
from release_cli.review.aws import aws_errors
from release_cli.review.errors import ReviewInputError
from release_cli.seed_orders import KEPT, seed_orders
from service_model import naming
from service_model.sample_data import SampleDataError, load_orders, orders_file

EXIT_OK, EXIT_INPUT = 0, 2
PROTECTED_STAGE = "prod"


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers,
        "seed-data",
        help_text="write the sample orders the test events rely on (ORD-2024-001) to a stage's orders table",
        description=__doc__,
    )
    add_stage(parser, help_text="stage whose orders table to write (required; dev or staging)")
    parser.add_argument("--table", help=f"orders table to write (default: {naming.table_name('<stage>', 'orders')})")
    parser.add_argument(
        "--sample-file", type=Path, help="sample orders to write (default: sample_data/orders.json in the project)"
    )
    parser.add_argument("--allow-prod", action="store_true", help="allow --stage prod (needs --yes as well)")
    parser.add_argument("--yes", action="store_true", help="confirm --allow-prod: write sample data to production")
    parser.add_argument("--json", action="store_true", help="print one JSON document (the shape is in --help)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        stage = _checked_stage(args)
        orders = load_orders(args.sample_file or orders_file())
        table = args.table or naming.table_name(stage, "orders")
        client = _dynamodb_client(args)
        with aws_errors(f"writing the sample orders to table {table}"):
            outcomes = seed_orders(client, table, orders)
    except (ReviewInputError, SampleDataError) as err:
        code = report_error(args, str(err), EXIT_INPUT)
        if "ResourceNotFoundException" in str(err):
            print(
                f"hint: deploy the stage first (scripts/cdk deploy --context stage={args.stage}) or name the "
                "table with --table",
                file=sys.stderr,
            )
        return code
    if args.json:
        print(json.dumps({"table": table, "orders": [outcome.as_dict() for outcome in outcomes]}, indent=2))
    else:
        for outcome in outcomes:
            print(f"{outcome.outcome:10} {outcome.order_id}")
    kept = [outcome.order_id for outcome in outcomes if outcome.outcome == KEPT]
    if kept:
        print(
            f"note: {', '.join(kept)} already exist(s) in {table} as real order(s) and were left untouched; "
            "test events reading them see the real order, not the sample",
            file=sys.stderr,
        )
    return EXIT_OK


def _checked_stage(args: argparse.Namespace) -> str:
    stage: str | None = args.stage
    if not stage:
        raise ReviewInputError("seed-data needs --stage (dev or staging)")
    if stage == PROTECTED_STAGE and not (args.allow_prod and args.yes):
        raise ReviewInputError(
            "refusing to write sample data to prod: the sample orders are for trying the API, not for production; "
            "if you really mean it, pass both --allow-prod and --yes"
        )
    return stage


def _dynamodb_client(args: argparse.Namespace) -> Any:
    import boto3

    with aws_errors("creating the DynamoDB client"):
        session = boto3.Session(region_name=aws_region(args), profile_name=getattr(args, "profile", None))
        return session.client("dynamodb")
