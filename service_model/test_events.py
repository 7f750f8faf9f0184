"""Test events as data: load and validate ``test_events/*.json``, match responses, package them.

One file per event, the file named after the event:
    {"name": "CreateOrderValid", "description": "...", "production_safe": true,
     "payload": {...the event the function receives...},
     "expected": {"statusCode": 200, "body": {...subset...}, "bodyHas": ["orderId"]}}
A function invoked with batches (a DynamoDB stream consumer) expects its partial batch response
instead, compared exactly: ``"expected": {"batchItemFailures": [{"itemIdentifier": "<SequenceNumber>"}]}``
(``[]``: nothing failed); the two kinds never mix in one expectation. The Order API's events are
``test_events/*.json``; another function's live in a folder of their own (``test_events/order_worker/``),
which ``load_events`` reads when given it and never when reading the folder above (no recursion).
The same files feed the unit tests, the local runner (``release local``), the console's shareable
test events (``console_schema_content``) and the CodeDeploy pre-traffic hook (``events_for_hook``).
Production-safe events may run against production; every production-safe create must set
``smokeTest: true``, whatever outcome it expects, so everything it writes carries a TTL and expires by
itself -- including what a regressed version might write for a create it should have refused.
The matcher is the hook asset's ``pre_traffic/expectations.py`` (the hook can ship only its own
folder), loaded here from that file so both judge responses identically.
"""

from __future__ import annotations

import importlib.util
import json
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from service_model.project import SOURCE_ROOT, project_root

EVENTS_DIRNAME = "test_events"
HOOK_ASSET_DIR = SOURCE_ROOT / "lambda_src" / "pre_traffic_hook"
"""The matcher is code, so it comes from the checkout this package was loaded from."""
NAME_PATTERN = re.compile(r"[A-Za-z0-9._-]{1,64}")
REQUIRED_KEYS = {"name", "description", "production_safe", "payload", "expected"}
HTTP_EXPECTED_KEYS = {"statusCode", "body", "bodyHas"}
BATCH_EXPECTED_KEYS = {"batchItemFailures"}
EXPECTED_KEYS = HTTP_EXPECTED_KEYS | BATCH_EXPECTED_KEYS
MAX_HOOK_EVENTS_BYTES = 3072
"""Lambda allows 4 KB for all of a function's environment variables; the rest is left for the others."""
MAX_EVENT_BYTES = 6_144_000
"""The console's (and SAM CLI's) limit for one shared test event: Lambda's invocation payload limit."""


class TestEventError(ValueError):
    """An event file that breaks a rule; the message names the file and the rule."""

    __test__ = False  # not a pytest test class despite the name


@dataclass(frozen=True)
class TestEvent:
    __test__ = False

    name: str
    description: str
    production_safe: bool
    payload: dict[str, Any]
    expected: dict[str, Any]

    @property
    def has_expectation(self) -> bool:
        """False for a bare payload (``release local -e payload.json``): it runs, nothing is judged."""
        return bool(self.expected)

    def mismatches(self, response: Any) -> list[str]:
        """Every way ``response`` differs from this event's expectation; empty when it matched (or none is set)."""
        if not self.has_expectation:
            return []
        problems: list[str] = _expectations().mismatches(self.expected, response)
        return problems


def events_dir() -> Path:
    """``test_events/`` of the project the caller stands in (see ``service_model.project``)."""
    return project_root() / EVENTS_DIRNAME


def load_events(directory: Path | None = None) -> list[TestEvent]:
    """Every event in ``directory`` (default: the project's ``test_events/``), validated, sorted by name.

    Only the folder's own ``*.json`` files: a subfolder (another function's events) is not read."""
    directory = directory or events_dir()
    paths = sorted(directory.glob("*.json"))
    if not paths:
        raise TestEventError(f"{directory}: no event files (*.json)")
    events = [load_event(path) for path in paths]
    return sorted(events, key=lambda event: event.name)


def load_event_file(path: Path) -> TestEvent:
    """A file a user names (``release local -e FILE``): a test-event document (name, payload, expected,
    ...) or, as ``sam local invoke -e`` takes, a bare payload, which runs with no expectation and is
    named after the file. Unlike the events folder, the file may have any name."""
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise TestEventError(f"{path}: cannot read the event file: {err.strerror}") from None
    except ValueError as err:
        raise TestEventError(f"{path}: not valid JSON: {err}") from None
    if isinstance(raw, dict) and set(raw) >= REQUIRED_KEYS:
        return parse_event(raw, str(path), named_after_event=False)
    if not isinstance(raw, dict):
        raise TestEventError(f"{path}: an event must be a JSON object, got {type(raw).__name__}")
    return TestEvent(
        name=path.stem, description=f"payload from {path}", production_safe=False, payload=raw, expected={}
    )


def load_event(path: Path) -> TestEvent:
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as err:
        raise TestEventError(f"{path.name}: not valid JSON: {err}") from None
    return parse_event(raw, path.name)


def parse_event(raw: Any, where: str, *, named_after_event: bool = True) -> TestEvent:
    """Validate one event document; ``where`` (its file name) must be ``<name>.json`` when ``named_after_event``."""
    if not isinstance(raw, dict):
        raise TestEventError(f"{where}: must be a JSON object")
    missing, unknown = REQUIRED_KEYS - set(raw), set(raw) - REQUIRED_KEYS
    if missing or unknown:
        raise TestEventError(f"{where}: missing keys {sorted(missing)}, unknown keys {sorted(unknown)}")
    name = raw["name"]
    if not isinstance(name, str) or not NAME_PATTERN.fullmatch(name):
        raise TestEventError(f"{where}: name must be 1-64 letters, digits, '.', '_' or '-'")
    if named_after_event and where.endswith(".json") and where != f"{name}.json":
        raise TestEventError(f"{where}: file must be named {name}.json")
    if not isinstance(raw["description"], str) or not raw["description"].strip():
        raise TestEventError(f"{where}: description must be a non-empty string")
    if not isinstance(raw["production_safe"], bool):
        raise TestEventError(f"{where}: production_safe must be true or false")
    if not isinstance(raw["payload"], dict):
        raise TestEventError(f"{where}: payload must be a JSON object")
    if len(json.dumps(raw["payload"]).encode("utf-8")) > MAX_EVENT_BYTES:
        raise TestEventError(f"{where}: payload is larger than {MAX_EVENT_BYTES} bytes")
    _check_expected(where, raw["expected"])
    event = TestEvent(name, raw["description"], raw["production_safe"], raw["payload"], raw["expected"])
    _check_expires(where, event)
    return event


def _check_expected(where: str, expected: Any) -> None:
    if not isinstance(expected, dict) or set(expected) - EXPECTED_KEYS:
        raise TestEventError(f"{where}: expected must be an object with keys from {sorted(EXPECTED_KEYS)}")
    if set(expected) & BATCH_EXPECTED_KEYS:
        _check_batch_expected(where, expected)
        return
    status = expected.get("statusCode")
    if isinstance(status, bool) or not isinstance(status, int) or not 100 <= status <= 599:
        raise TestEventError(f"{where}: expected.statusCode must be an HTTP status code (100-599)")
    if not isinstance(expected.get("body", {}), dict):
        raise TestEventError(f"{where}: expected.body must be an object (the fields that must match)")
    has = expected.get("bodyHas", [])
    if not isinstance(has, list) or not all(isinstance(item, str) for item in has):
        raise TestEventError(f"{where}: expected.bodyHas must be a list of field names")


def _check_batch_expected(where: str, expected: dict[str, Any]) -> None:
    """``{"batchItemFailures": [{"itemIdentifier": "..."}, ...]}`` and nothing else."""
    mixed = sorted(set(expected) & HTTP_EXPECTED_KEYS)
    if mixed:
        raise TestEventError(f"{where}: expected.batchItemFailures cannot be combined with {', '.join(mixed)}")
    failures = expected["batchItemFailures"]
    if not isinstance(failures, list):
        raise TestEventError(f"{where}: expected.batchItemFailures must be a list ([] when nothing may fail)")
    for index, failure in enumerate(failures):
        if (
            not isinstance(failure, dict)
            or set(failure) != {"itemIdentifier"}
            or not isinstance(failure["itemIdentifier"], str)
        ):
            raise TestEventError(
                f'{where}: expected.batchItemFailures[{index}] must be {{"itemIdentifier": "<SequenceNumber>"}}'
            )


def _check_expires(where: str, event: TestEvent) -> None:
    """A production-safe create must mark its data ``smokeTest`` so it expires (TTL), even one expected to fail."""
    if not event.production_safe:
        return
    request = create_request(event.payload)
    if request is not None and request.get("smokeTest") is not True:
        raise TestEventError(f"{where}: production-safe create must set smokeTest: true so its data expires")


def create_request(payload: dict[str, Any]) -> dict[str, Any] | None:
    """The create fields of a payload (direct invoke or HTTP POST body), or None if it is not a create."""
    if payload.get("action") == "create":
        return payload
    context = payload.get("requestContext")
    method = context.get("http", {}).get("method") if isinstance(context, dict) else None
    if method == "POST" and isinstance(payload.get("body"), str):
        try:
            body = json.loads(payload["body"])
        except ValueError:
            return None
        return body if isinstance(body, dict) else None
    return None


def events_for_hook(events: list[TestEvent] | None = None) -> str:
    """The production-safe events as compact JSON for the hook's EVENTS_JSON variable.

    Raises ``TestEventError`` when they no longer fit the environment-variable budget
    (``MAX_HOOK_EVENTS_BYTES``), so synth fails instead of a deploy.
    """
    chosen = [event for event in (load_events() if events is None else events) if event.production_safe]
    if not chosen:
        raise TestEventError("no production-safe events: the pre-traffic hook would have nothing to check")
    document = json.dumps(
        [{"name": e.name, "payload": e.payload, "expected": e.expected} for e in chosen],
        separators=(",", ":"),
        sort_keys=True,
    )
    size = len(document.encode("utf-8"))
    if size > MAX_HOOK_EVENTS_BYTES:
        raise TestEventError(f"production-safe events take {size} bytes; the hook's budget is {MAX_HOOK_EVENTS_BYTES}")
    return document


def console_schema_content(events: list[TestEvent]) -> str:
    """The ``AWS::EventSchemas::Schema`` content the Lambda console reads as shareable test events.

    Layout as written by SAM CLI's ``sam remote test-event put`` (aws/aws-sam-cli,
    ``samcli/lib/shared_test_events/lambda_shared_test_event.py`` and its unit tests): an OpenAPI 3
    document titled ``Event`` whose ``components.schemas.Event`` describes the payload and whose
    ``components.examples`` maps each event name to ``{"value": <payload>, "x-metadata":
    {"invocationType": "RequestResponse"}}``. The schema goes in registry ``lambda-testevent-schemas``
    named ``_<function name>-schema``, type ``OpenApi3``. Where SAM asks EventBridge to infer the
    payload schema, this infers it locally (types merged across all events) so synth stays offline.
    """
    if not events:
        raise TestEventError("a console schema needs at least one event")
    names = [event.name for event in events]
    if len(set(names)) != len(names):
        raise TestEventError(f"duplicate event names: {sorted({n for n in names if names.count(n) > 1})}")
    document = {
        "openapi": "3.0.0",
        "info": {"version": "1.0.0", "title": "Event"},
        "paths": {},
        "components": {
            "schemas": {"Event": _merged_schema([event.payload for event in events])},
            "examples": {
                event.name: {"value": event.payload, "x-metadata": {"invocationType": "RequestResponse"}}
                for event in events
            },
        },
    }
    return json.dumps(document)


def _merged_schema(values: list[Any]) -> dict[str, Any]:
    """A JSON schema (OpenAPI 3 subset) that every value in ``values`` satisfies."""
    kinds = {_schema_type(value) for value in values}
    if kinds == {"integer", "number"}:
        kinds = {"number"}
    if len(kinds) != 1:
        return {}
    kind = kinds.pop()
    if kind == "object":
        keys = sorted({key for value in values for key in value})
        required = [key for key in keys if all(key in value for value in values)]
        schema: dict[str, Any] = {"type": "object"}
        if required:
            schema["required"] = required
        schema["properties"] = {key: _merged_schema([v[key] for v in values if key in v]) for key in keys}
        return schema
    if kind == "array":
        elements = [element for value in values for element in value]
        return {"type": "array", "items": _merged_schema(elements) if elements else {}}
    if kind == "null":
        return {"nullable": True}
    return {"type": kind}


def _schema_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


_EXPECTATIONS: ModuleType | None = None


def _expectations() -> ModuleType:
    """The hook asset's matcher module, loaded from its file (not via sys.path: the asset is not a package)."""
    global _EXPECTATIONS
    if _EXPECTATIONS is None:
        path = HOOK_ASSET_DIR / "pre_traffic" / "expectations.py"
        spec = importlib.util.spec_from_file_location("service_model._hook_expectations", path)
        if spec is None or spec.loader is None:
            raise ImportError(f"cannot load the matcher from {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _EXPECTATIONS = module
    return _EXPECTATIONS
