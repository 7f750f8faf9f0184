"""Run test events against a function's handler on this machine: the offline ``sam local invoke``.

No AWS account and no Docker: the handler is imported in-process and its DynamoDB calls go to moto
(``mock_aws``). The tables are created from the synthesized template's own
``AWS::DynamoDB::Table`` definitions (keys, billing, indexes, TTL), and the handler's environment
comes from the template's function definition with each ``Ref`` to a table resolved to that
table's name, so a local run sees what a deployed function would. The context mimics Lambda's:
function name and version, and the invoked ARN with the alias. Unless told otherwise the local
orders table starts with the seed's sample orders (``sample_data/orders.json``), as a stage does
after ``release seed-data``: the seed's GetOrderStatus reads ``ORD-2024-001``.
``release serve`` runs the same set-up behind an HTTP server (``invoke_payload`` per request, each in
an execution environment of its own: ``execution_environments``). moto's DynamoDB runs with
``local_tables.dynamodb_semantics``: calls isolated from each other, transactions all-or-nothing
without moto's copy of every table they touch.

Any function of the service runs this way (``LocalFunction``: its physical name, code folder and
handler). Its resource is found in the template by its ``FunctionName``, never by assuming the Order
API, and its environment is that resource's. The Order API's modules are imported under their plain
names (the tests and ``release serve`` import ``handler`` as Lambda would); another function's are
loaded in isolation, as a container of its own: its top-level modules (``handler``, ``version``, its
package) are imported from its folder with any same-named module of this process hidden, and taken out
of ``sys.modules`` again afterwards, so two functions' ``handler`` modules never meet. A fresh load per
``local_aws`` session is that function's cold start. What a handler writes to stdout (the worker's
JSON log line per batch) goes to stderr during ``invoke``, as Lambda sends it to the logs, never into
the response or a ``--json`` document.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import json
import os
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any

from release_cli.locations import CDK_OUT, project_path, synthesized_template
from release_cli.review.errors import ReviewInputError
from release_cli.review.templates import load_template_file
from service_model.naming import FUNCTION_BASENAME
from service_model.project import SOURCE_ROOT
from service_model.sample_data import SampleDataError, load_orders
from service_model.test_events import TestEvent

HANDLER_DIR = SOURCE_ROOT / "lambda_src" / "order_api"
HANDLER_NAME = "handler.lambda_handler"
ORDER_API_SUFFIX = f"-{FUNCTION_BASENAME}"
"""The Order API's physical name ends so (``dev-VersionedOrderAPI``): the function run when none is named."""
REGION = "us-east-1"
ACCOUNT = "123456789012"
# CreateTable accepts these index properties; CloudFormation-only ones (contributor insights, ...) are dropped.
_INDEX_KEYS = ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput")


class LocalInvokeError(ValueError):
    """The template cannot be run locally (missing, malformed, no tables, not the function); exit 2."""


@dataclass(frozen=True)
class LambdaContext:
    """The attributes of Lambda's Python context object that handlers read; the remaining time counts down."""

    function_name: str
    function_version: str
    invoked_function_arn: str
    memory_limit_in_mb: int = 256
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    log_group_name: str = ""
    log_stream_name: str = "local"
    timeout_ms: int = 10_000
    started: float = field(default_factory=time.monotonic)

    def get_remaining_time_in_millis(self) -> int:
        return max(0, self.timeout_ms - int((time.monotonic() - self.started) * 1000))


@dataclass(frozen=True)
class EventResult:
    name: str
    response: Any
    problems: list[str]
    duration_ms: float

    @property
    def matched(self) -> bool:
        return not self.problems


@dataclass(frozen=True)
class LocalFunction:
    """Which function of the template runs locally: its physical ``FunctionName``, code folder and handler."""

    name: str
    code_dir: Path = HANDLER_DIR
    handler: str = HANDLER_NAME


@dataclass(frozen=True)
class FunctionSpec:
    """What the template says about the function that runs (the Order API unless another is named)."""

    name: str
    environment: dict[str, str]
    memory_mb: int
    timeout_s: int
    code_dir: Path = HANDLER_DIR
    handler: str = HANDLER_NAME
    entry: Callable[[Any, Any], Any] | None = field(default=None, compare=False, repr=False)
    """The loaded handler of a function other than the Order API (set inside ``local_aws``)."""

    @property
    def is_order_api(self) -> bool:
        return self.code_dir == HANDLER_DIR


def template_path(stage: str, cdk_out: Path | None = None) -> Path:
    """The stage's synthesized template, where the other release commands look for it (default: project's cdk.out)."""
    return synthesized_template(cdk_out=cdk_out or project_path(CDK_OUT), stage=stage)


def load_template(path: Path) -> dict[str, Any]:
    """The template at ``path`` (JSON or YAML), checked by the review's loader; ``LocalInvokeError`` if unusable."""
    if not path.exists():
        raise LocalInvokeError(
            f"{path}: no such template; run `scripts/cdk synth` (or `bash scripts/setup.sh`) first, or pass --template"
        )
    try:
        return load_template_file(path=path)
    except ReviewInputError as err:
        raise LocalInvokeError(str(err)) from None


def table_definitions(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """``{logical id: CreateTable arguments (+ "TimeToLiveAttribute")}`` for every table in the template."""
    tables = {}
    for logical_id, resource in template["Resources"].items():
        if isinstance(resource, dict) and resource.get("Type") == "AWS::DynamoDB::Table":
            tables[logical_id] = create_table_arguments(logical_id, _properties(logical_id, resource))
    if not tables:
        raise LocalInvokeError("the template defines no AWS::DynamoDB::Table")
    return tables


def create_table_arguments(logical_id: str, props: dict[str, Any]) -> dict[str, Any]:
    """CloudFormation table properties -> ``CreateTable`` keyword arguments (what moto needs to build it)."""
    for required in ("KeySchema", "AttributeDefinitions"):
        if required not in props:
            raise LocalInvokeError(f"table {logical_id}: property {required} is missing; a table needs it")
        if not isinstance(props[required], list):
            raise LocalInvokeError(f"table {logical_id}: property {required} must be a list")
    name = props.get("TableName")
    args: dict[str, Any] = {
        "TableName": name if isinstance(name, str) else logical_id,
        "KeySchema": props["KeySchema"],
        "AttributeDefinitions": props["AttributeDefinitions"],
        "BillingMode": props.get("BillingMode", "PROVISIONED"),
    }
    if args["BillingMode"] == "PROVISIONED":
        args["ProvisionedThroughput"] = props.get(
            "ProvisionedThroughput", {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
        )
    for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if props.get(key):
            indexes = props[key]
            if not isinstance(indexes, list) or not all(isinstance(index, dict) for index in indexes):
                raise LocalInvokeError(f"table {logical_id}: property {key} must be a list of index definitions")
            args[key] = [{k: index[k] for k in _INDEX_KEYS if k in index} for index in indexes]
    stream = _mapping(logical_id, "StreamSpecification", props)
    if stream.get("StreamViewType"):
        args["StreamSpecification"] = {"StreamEnabled": True, **stream}
    ttl = _mapping(logical_id, "TimeToLiveSpecification", props)
    if ttl.get("Enabled"):
        if not isinstance(ttl.get("AttributeName"), str):
            raise LocalInvokeError(f"table {logical_id}: property TimeToLiveSpecification.AttributeName is missing")
        args["TimeToLiveAttribute"] = ttl["AttributeName"]
    return args


def _properties(logical_id: str, resource: dict[str, Any]) -> dict[str, Any]:
    props = resource.get("Properties") or {}
    if not isinstance(props, dict):
        raise LocalInvokeError(f"resource {logical_id}: Properties must be a mapping")
    return props


def _mapping(logical_id: str, key: str, props: dict[str, Any]) -> dict[str, Any]:
    value = props.get(key) or {}
    if not isinstance(value, dict):
        raise LocalInvokeError(f"resource {logical_id}: property {key} must be a mapping")
    return value


def function_spec(
    template: dict[str, Any], tables: dict[str, dict[str, Any]], function: LocalFunction | None = None
) -> FunctionSpec:
    """The function ``function`` names, its resource found by ``FunctionName`` (without it, the Order
    API: ``<stage>-VersionedOrderAPI``; every function of the service has the same ``Handler``, so the
    handler never tells them apart), its environment resolved to plain strings."""
    names = []
    for logical_id, resource in template["Resources"].items():
        if not isinstance(resource, dict) or resource.get("Type") != "AWS::Lambda::Function":
            continue
        props = _properties(logical_id, resource)
        found = props.get("FunctionName")
        names.append(found if isinstance(found, str) else logical_id)
        wanted = found == function.name if function else isinstance(found, str) and found.endswith(ORDER_API_SUFFIX)
        if not wanted:
            continue
        variables = _mapping(logical_id, "Variables", _mapping(logical_id, "Environment", props))
        environment = {key: _resolve(value, tables) for key, value in variables.items()}
        name = props.get("FunctionName")
        handler = props.get("Handler")
        return FunctionSpec(
            name=name if isinstance(name, str) else logical_id,
            environment=environment,
            memory_mb=_whole_number(logical_id, "MemorySize", props, 128),
            timeout_s=_whole_number(logical_id, "Timeout", props, 3),
            code_dir=function.code_dir if function else HANDLER_DIR,
            handler=handler if isinstance(handler, str) else function.handler if function else HANDLER_NAME,
        )
    wanted_name = function.name if function else f"<stage>{ORDER_API_SUFFIX} (the Order API)"
    raise LocalInvokeError(
        f"the template has no AWS::Lambda::Function with FunctionName {wanted_name} (its functions: "
        f"{', '.join(names) or 'none'}); synthesize the stage again (`scripts/cdk synth`) or pass the --template "
        "that defines it"
    )


def _whole_number(logical_id: str, key: str, props: dict[str, Any], default: int) -> int:
    value = props.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int | str) or not str(value).isdigit():
        raise LocalInvokeError(f"resource {logical_id}: property {key} must be a whole number, got {json.dumps(value)}")
    return int(value)


def _resolve(value: Any, tables: dict[str, dict[str, Any]]) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in tables:
        return str(tables[value["Ref"]]["TableName"])
    raise LocalInvokeError(f"cannot resolve environment value {json.dumps(value)} offline")


@contextlib.contextmanager
def local_aws(
    template: dict[str, Any],
    config_items: dict[str, int] | None = None,
    *,
    sample_data: bool = True,
    sample_file: Path | None = None,
    function: LocalFunction | None = None,
) -> Iterator[FunctionSpec]:
    """moto with the template's tables created (the sample orders in the function's ORDERS_TABLE unless
    ``sample_data`` is false or it has none) and the handler's environment set; restored on exit.
    ``function``: the function that runs (default: the Order API)."""
    from moto import mock_aws  # imported here: moto is a dev dependency, and slow to import

    from release_cli.local_tables import dynamodb_semantics

    tables = table_definitions(template)
    spec = function_spec(template, tables, function)
    samples = _sample_items(sample_file) if sample_data else []
    overrides = {"AWS_DEFAULT_REGION": REGION, "AWS_REGION": REGION, **spec.environment}
    # An endpoint set for a moto server or a real account would route the handler's calls past the mock.
    with (
        _patched_environ(overrides, remove=("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB")),
        mock_aws(),
        dynamodb_semantics(),
    ):
        import boto3

        client = boto3.client("dynamodb", region_name=REGION)
        for args in tables.values():
            create_table(client, args)
        config_table = spec.environment.get("CONFIG_TABLE")
        for key, value in (config_items or {}).items():
            client.put_item(TableName=config_table, Item={"configKey": {"S": key}, "value": {"N": str(value)}})
        orders_table = spec.environment.get("ORDERS_TABLE")
        if samples and orders_table:  # a function without an orders table would never read them
            for item in samples:
                client.put_item(TableName=orders_table, Item=item)
        if spec.is_order_api:
            reset_handler_state()
        else:  # a container of its own: loaded afresh for this session (its cold start)
            spec = replace(spec, entry=isolated_handler(spec.code_dir, spec.handler))
        try:
            yield spec
        finally:
            if spec.is_order_api:
                reset_handler_state()


def _sample_items(path: Path | None) -> list[dict[str, Any]]:
    try:
        return [order.as_item() for order in load_orders(path)]
    except SampleDataError as err:
        raise LocalInvokeError(f"{err}; fix the file or run with --no-sample-data") from None


def create_table(client: Any, args: dict[str, Any]) -> None:
    """Create one table (and its TTL) in the local DynamoDB; a definition it refuses is a ``LocalInvokeError``."""
    from botocore.exceptions import ClientError, ParamValidationError

    create_args = {key: value for key, value in args.items() if key != "TimeToLiveAttribute"}
    try:
        client.create_table(**create_args)
        if "TimeToLiveAttribute" in args:
            client.update_time_to_live(
                TableName=args["TableName"],
                TimeToLiveSpecification={"Enabled": True, "AttributeName": args["TimeToLiveAttribute"]},
            )
    except (ClientError, ParamValidationError) as err:
        raise LocalInvokeError(f"table {args['TableName']}: the local DynamoDB refuses its definition: {err}") from None


def handler_module() -> ModuleType:
    """The Order API's ``handler`` module, imported from its asset folder (as Lambda would)."""
    sys.dont_write_bytecode = True  # a __pycache__ inside the asset folder would change the asset hash
    if str(HANDLER_DIR) not in sys.path:
        sys.path.insert(0, str(HANDLER_DIR))
    return importlib.import_module("handler")


def reset_handler_state() -> None:
    """A cold start: forget the container's client and config cache (they belong to the previous mock)."""
    handler_module()
    importlib.import_module("order_service.clients").reset()
    importlib.import_module("order_service.runtime_config").clear_cache()


def isolated_handler(code_dir: Path, handler: str) -> Callable[[Any, Any], Any]:
    """The callable ``handler`` (``module.attribute``) names, imported from ``code_dir`` as Lambda would
    (the folder first on the path), with every module of this process whose top-level name the folder
    also holds hidden while it imports and put back afterwards; the function's own modules leave
    ``sys.modules`` again (the handler keeps them), so they never shadow or meet another function's."""
    module_name, _, attribute = handler.rpartition(".")
    if not module_name:
        raise LocalInvokeError(f"handler {handler!r} is not module.function")
    own = {
        path.stem if path.suffix == ".py" else path.name
        for path in code_dir.iterdir()
        if path.suffix == ".py" or (path / "__init__.py").is_file()
    }

    def owned(name: str) -> bool:
        return name.split(".")[0] in own

    hidden = {name: module for name, module in sys.modules.items() if owned(name)}
    saved_path = list(sys.path)
    sys.dont_write_bytecode = True  # a __pycache__ inside the asset folder would change the asset hash
    for name in hidden:
        del sys.modules[name]
    sys.path.insert(0, str(code_dir))
    importlib.invalidate_caches()
    try:
        module = importlib.import_module(module_name)
    except ImportError as err:
        raise LocalInvokeError(f"{code_dir}: cannot import the handler module {module_name}: {err}") from None
    finally:
        sys.path[:] = saved_path
        for name in [name for name in sys.modules if owned(name)]:
            del sys.modules[name]
        sys.modules.update(hidden)
    entry = getattr(module, attribute, None)
    if not callable(entry):
        raise LocalInvokeError(f"{code_dir}: {module_name} has no function {attribute} (handler {handler})")
    return entry  # type: ignore[no-any-return]


def make_context(spec: FunctionSpec, alias: str, function_version: str) -> LambdaContext:
    arn = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{spec.name}:{alias}"
    return LambdaContext(
        function_name=spec.name,
        function_version=function_version,
        invoked_function_arn=arn,
        memory_limit_in_mb=spec.memory_mb,
        log_group_name=f"/aws/lambda/{spec.name}",
        timeout_ms=spec.timeout_s * 1000,
    )


def invoke(event: TestEvent, context: LambdaContext, spec: FunctionSpec | None = None) -> EventResult:
    """Run one event through the handler (inside ``local_aws``) and judge the response. What the handler
    prints goes to stderr (Lambda sends it to the logs), so stdout holds only the report. A handler that
    raises fails the event (its response: Lambda's error payload, errorType and errorMessage), so the
    events after it still run, as they would deployed."""
    started = time.perf_counter()
    try:
        with contextlib.redirect_stdout(sys.stderr):
            response = invoke_payload(event.payload, context, spec)
    except Exception as err:  # a function error: Lambda answers with its error payload, and so does this
        response = {"errorType": type(err).__name__, "errorMessage": str(err)}
        duration = (time.perf_counter() - started) * 1000
        return EventResult(event.name, response, [f"the function raised {type(err).__name__}: {err}"], duration)
    duration = (time.perf_counter() - started) * 1000
    return EventResult(event.name, response, event.mismatches(response), duration)


def invoke_payload(payload: Any, context: LambdaContext, spec: FunctionSpec | None = None) -> Any:
    """One invocation of the handler (inside ``local_aws``) with ``payload``; the response as Lambda returns it.

    Payload and response are round-tripped through JSON, as Lambda does, so neither side shares objects
    with the other (and a response Lambda could not serialize fails here too).
    """
    entry = spec.entry if spec is not None and spec.entry is not None else handler_module().lambda_handler
    response = entry(json.loads(json.dumps(payload)), context)
    return json.loads(json.dumps(response))


def run_events(
    events: list[TestEvent],
    template: dict[str, Any],
    alias: str,
    function_version: str = "$LATEST",
    config_items: dict[str, int] | None = None,
    *,
    sample_data: bool = True,
    function: LocalFunction | None = None,
) -> list[EventResult]:
    """Every event in order through ``function`` (default: the Order API), against one local DynamoDB
    (so later events see earlier writes, as in AWS)."""
    with local_aws(template, config_items, sample_data=sample_data, function=function) as spec:
        return [invoke(event, make_context(spec, alias, function_version), spec) for event in events]


@contextlib.contextmanager
def _patched_environ(values: dict[str, str], remove: tuple[str, ...] = ()) -> Iterator[None]:
    saved = {key: os.environ.get(key) for key in (*values, *remove)}
    for key in remove:
        os.environ.pop(key, None)
    os.environ.update(values)
    try:
        yield
    finally:
        for key, old in saved.items():
            if old is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = old
