"""``release serve``: the service's HTTP function (the Order API) as a local HTTP server, what ``sam local
start-api`` does, without Docker.

Serves on 127.0.0.1 (--port, default 3000 as SAM's; --port 0 takes a free port) and prints the URL.
Each request becomes an API Gateway HTTP API event (payload format 2.0) and runs through the handler
in this process against the same local tables as ``release local`` (moto, built from the synthesized
template, with the sample orders of sample_data/orders.json unless --no-sample-data). Routes are the
template's HTTP API routes: a route the template lacks is a 404 ``{"message":"Not Found"}``, as API
Gateway answers (the stages' API has the $default route, so the handler itself answers every path).
A body over 10 MB (API Gateway's HTTP API payload quota; a chunked body's total counts) is a 413 and
never reaches the handler; a smaller one does, and the handler answers a body over 16 KB with its own
400 ("request body is larger than 16384 bytes"), as deployed. Malformed HTTP is a 400. One log line
per request on stderr; Ctrl-C stops it.

    release serve --stage dev
    curl -s -X POST 127.0.0.1:3000/orders -d '{"customerId":"CUST-001","items":[{"productId":"PROD-A","quantity":2}]}'
    curl -s 127.0.0.1:3000/orders/ORD-2024-001

Only a function with an HTTP trigger (stages.toml ``trigger = { type = "http" }``) is served: the stream
worker has no routes to answer. Without --function the stage's HTTP function is served; --function
KEY (or the function's name or ARN) naming a function of another trigger is refused, exit 2, before
anything listens. The function's resource is found in the template by its FunctionName, and the
context's ARN carries its trigger alias (--alias overrides).

--check-auth answers as the deployed API does when a request carries no credentials: a route the
template authorizes with AWS_IAM (stages.toml api_auth = "iam", SigV4) -> 403 {"message":"Forbidden"},
with JWT -> 401 {"message":"Unauthorized"}, before the function runs. It only looks for an
Authorization header, to catch a client that forgot to sign: it does not verify signatures or tokens.
Without it every request reaches the function, and the start-up line says what the routes require.

Concurrency, as Lambda's: each concurrent request runs in an execution environment of its own (the
function's code loaded separately, so no module state such as the DynamoDB client or the config cache
is shared), up to --concurrency N environments (default 4); a request beyond them waits for one to
be free, in order of arrival, and is never refused. A free environment is reused (warm); a new one is
a cold start. All of them use one set of local tables, whose transactions are all-or-nothing and
isolated from each other as DynamoDB's are (release_cli.local_tables). The default is 4 because the
handler's own work holds Python's lock on the interpreter: more environments overlap only waiting
(a slow call), add no throughput, and each costs a cold start and memory; 4 lets a browser's parallel
requests and a slow request or two proceed side by side.

--reload: before each request the function's code folder is looked at (file sizes and modification
times); after a change, requests run in fresh environments that load the new code, no restart. Code
that does not load (an import or syntax error) answers 502 {"message":"Internal Server Error"}, as
API Gateway answers for a failed integration, with the traceback in the server's log; the server keeps
running, and the request after the fix runs the fixed code. Without --reload each environment loads
the code once, when it starts (so one started after an edit runs the edited code while older ones do
not: use --reload while editing).

Connections: the listen queue holds 128 connections waiting to be accepted (Python's default is 5,
which 50 concurrent clients overflowed), and every connection the server drops or cannot take is
logged on stderr with its reason: reset or broken mid-request, no request within 60 s (an idle
keep-alive connection is closed), a failed accept, and (Linux) a full listen queue.

Without --template the stage's template is taken from cdk.out as ``release local`` takes it: only
when the manifest lists the stage and is newer than the infrastructure sources
(release_cli.local_template).

Exit codes: 0 stopped by Ctrl-C (or SIGTERM); 2 bad input (no template, a stale or partial cloud
assembly, no routes, port in use, a function without an HTTP trigger or not of the stage,
--concurrency below 1).
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable
from dataclasses import replace
from types import FrameType
from typing import Any

from release_cli.code_watch import code_version
from release_cli.commands._local_options import (
    add_local_function_options,
    chosen_function,
    invoked_alias,
    local_function,
    stage_config,
)
from release_cli.commands._options import command_parser
from release_cli.error_report import report_error
from release_cli.execution_environments import ExecutionEnvironments
from release_cli.http_routes import Route, RouteError, routes_from_template
from release_cli.local_invoke import (
    FunctionSpec,
    LocalInvokeError,
    invoke_payload,
    isolated_handler,
    load_template,
    local_aws,
    make_context,
)
from release_cli.local_template import local_template_file
from service_model.functions import FunctionConfig
from service_model.stages import StageConfig

EXIT_OK, EXIT_USAGE = 0, 2
DEFAULT_PORT = 3000
DEFAULT_CONCURRENCY = 4
HOST = "127.0.0.1"


def register(subparsers: Any) -> None:
    parser = command_parser(
        subparsers,
        "serve",
        help_text="serve the Order API over HTTP on 127.0.0.1 (local tables, no Docker), like sam local start-api",
        description=__doc__,
    )
    add_local_function_options(
        parser,
        template_gives="routes and tables",
        function_help="an HTTP-triggered one (default: the stage's HTTP function)",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="port on 127.0.0.1 (0 takes a free one)")
    parser.add_argument(
        "--check-auth",
        action="store_true",
        help="refuse a request without an Authorization header where the template's route is authorized "
        "(AWS_IAM: 403, JWT: 401), as API Gateway does; signatures and tokens are not verified",
    )
    parser.add_argument(
        "--concurrency",
        type=int,
        default=DEFAULT_CONCURRENCY,
        metavar="N",
        help=f"execution environments, each running one request at a time (default {DEFAULT_CONCURRENCY}); "
        "requests beyond them wait their turn",
    )
    parser.add_argument(
        "--reload",
        action="store_true",
        help="use a change under the function's code folder from the next request on, without a restart "
        "(code that does not load answers 502, with the traceback in the log)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from release_cli.local_server import LocalApi, make_server  # http.server: only when serving (fast --help)

    if not 0 <= args.port <= 65535:
        return report_error(
            args, f"--port {args.port} is not a port number; use 0-65535 (0 takes a free one)", EXIT_USAGE
        )
    if args.concurrency < 1:
        return report_error(args, f"--concurrency {args.concurrency}: give 1 or more environments", EXIT_USAGE)
    try:
        function = http_function(stage_config(args), args.function)
        template_file = local_template_file(stage=args.stage, template=args.template)
        template = load_template(template_file)
        routes = routes_from_template(template)
        if not routes:
            raise LocalInvokeError(f"{template_file}: no AWS::ApiGatewayV2::Route; there is no HTTP API to serve")
        alias = invoked_alias(args, function)
        server = make_server(LocalApi(routes, _not_ready), HOST, args.port)
    except (LocalInvokeError, RouteError) as err:
        return report_error(args, str(err), EXIT_USAGE)
    except OSError as err:
        return report_error(
            args,
            f"cannot listen on {HOST}:{args.port}: {err.strerror}; pick another --port (0 takes a free one)",
            EXIT_USAGE,
        )
    try:
        with local_aws(template, sample_data=args.sample_data, function=local_function(function)) as spec:
            api = LocalApi(routes, _not_ready, check_auth=args.check_auth)
            environments = execution_environments(spec, args.concurrency, reload=args.reload, log=api.log)
            api.set_invoker(function_invoker(spec, alias, args.function_version, environments))
            server.api = api
            _stop_on_signals()  # before the URL is printed: whoever reads it may stop the server at once
            port = server.server_address[1]
            print(f"template {template_file}; routes: {', '.join(route.key for route in routes)}", file=sys.stderr)
            print(auth_note(routes, check_auth=args.check_auth), file=sys.stderr, flush=True)
            print(concurrency_note(args.concurrency, spec, reload=args.reload), file=sys.stderr, flush=True)
            print(  # last: whoever waits for the URL may use (or stop) the server at once
                f"{function.key} ({spec.name}) on http://{HOST}:{port} (stage {args.stage}, alias {alias}); "
                "Ctrl-C stops it",
                flush=True,
            )
            server.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass  # Ctrl-C or SIGTERM, whenever it came: the tables and the socket are released below
    except LocalInvokeError as err:
        return report_error(args, str(err), EXIT_USAGE)
    finally:
        server.server_close()
    sys.stderr.write("stopped\n")  # one write: no request log line can land inside it
    return EXIT_OK


def execution_environments(
    spec: FunctionSpec, concurrency: int, *, reload: bool, log: Callable[[str], None]
) -> ExecutionEnvironments:
    """Up to ``concurrency`` environments, each loading ``spec``'s code on its own (watching it with ``reload``)."""
    folder = spec.code_dir
    return ExecutionEnvironments(
        lambda: isolated_handler(folder, spec.handler),
        concurrency,
        code_version=(lambda: code_version(folder)) if reload else None,
        log=log,
    )


def function_invoker(
    spec: FunctionSpec, alias: str, function_version: str, environments: ExecutionEnvironments
) -> Callable[[dict[str, Any]], Any]:
    """One event -> the function's response, run in one of ``environments``; the context (and its remaining
    time) starts when the environment takes the request, as Lambda's does, not while it waits."""

    def invoke(event: dict[str, Any]) -> Any:
        def call(entry: Any) -> Any:
            context = make_context(spec, alias, function_version)
            return invoke_payload(event, context, replace(spec, entry=entry))

        return environments.run(call)

    return invoke


def concurrency_note(concurrency: int, spec: FunctionSpec, *, reload: bool) -> str:
    """One start-up line on the concurrency model and on reloading."""
    reloading = f"reloads on changes under {spec.code_dir}" if reload else "no reload (--reload picks up code changes)"
    return f"concurrency: up to {concurrency} execution environments, one request each, more requests wait; {reloading}"


def http_function(config: StageConfig, given: str | None) -> FunctionConfig:
    """The function to serve: ``--function`` if it has an HTTP trigger, else the stage's one HTTP function."""
    http = [function for function in config.functions if function.is_http]
    if given:
        function = chosen_function(config, given)
        if not function.is_http:
            raise LocalInvokeError(
                f"function {function.key} ({function.name}) has a {function.trigger.type} trigger, not an HTTP one: "
                f"there is nothing to serve; HTTP functions of stage {config.name}: "
                f"{', '.join(f.key for f in http) or 'none'} (run its events with release local --function "
                f"{function.key})"
            )
        return function
    if len(http) == 1:
        return http[0]
    if not http:
        raise LocalInvokeError(f"stage {config.name} has no function with an HTTP trigger: there is nothing to serve")
    raise LocalInvokeError(
        f"stage {config.name} has {len(http)} HTTP functions ({', '.join(f.key for f in http)}): give --function KEY"
    )


def auth_note(routes: list[Route], *, check_auth: bool) -> str:
    """One line on what the deployed routes require of a caller and what this server does about it."""
    required = sorted({route.authorization for route in routes if route.authorization != "NONE"})
    if not required:
        return "auth: the routes are open (AuthorizationType NONE), as deployed"
    if check_auth:
        return (
            f"auth: routes require {', '.join(required)}; a request without an Authorization header is refused "
            "as API Gateway refuses it (signatures and tokens are not verified)"
        )
    return (
        f"auth: routes require {', '.join(required)} when deployed; not checked here "
        "(--check-auth refuses requests without an Authorization header)"
    )


def _not_ready(event: dict[str, Any]) -> Any:
    raise RuntimeError("the local tables are not ready yet")


def _stop_on_signals() -> None:
    """Ctrl-C (SIGINT) and SIGTERM stop the server. SIGINT is set explicitly: a shell without job control
    starts background commands with it ignored. Only the main thread may install signal handlers."""
    if threading.current_thread() is not threading.main_thread():
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGINT, interrupt)
    signal.signal(signal.SIGTERM, interrupt)
