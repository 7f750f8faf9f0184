"""The local DynamoDB of ``release local`` and ``release serve``: moto's, with DynamoDB's transaction
semantics and without moto's copy of the table per transaction.

moto 5's ``TransactWriteItems`` deep-copies every table it touches before it starts, to roll back a
cancelled transaction: the cost of a create grows with the table (``release serve`` went from 94 MB
to 2.8 GB of RSS after 1,200 creates, create latency 13 ms -> 96 ms), and nothing stops a second
thread from interleaving with it (two transactions both passed ``attribute_not_exists`` on one key
about one run in five).

Chosen: wrap moto rather than write a store of our own. moto's parser, condition-expression
evaluator, item validation and streams stay the ones every other local run and test of this project
uses, so a condition (``attribute_not_exists(PK) OR expiresAt < :now``) or a projection behaves the
same everywhere; a store of our own would need its own expression parser for exactly the same
answers. What changes, while ``dynamodb_semantics()`` is active:
- every DynamoDB call moto serves runs under one lock per process (one data store for all execution
  environments): each call, a transaction included, is isolated from every other, as DynamoDB's
  operations are serializable. The calls are in-memory and short (well under a millisecond of the
  store's own work), so the lock costs little; the handler's own work runs outside it;
- ``TransactWriteItems`` evaluates every condition against the state before the transaction and
  cancels (``TransactionCanceledException`` with one reason per item, as moto and DynamoDB report
  them) before writing anything; only when all pass does it write, keeping an undo log of the
  items it replaced (a copy of each one item, never of a table) and of the stream's length, so a
  write refused half-way (an item too large) is undone and nothing of the transaction remains.
The patch touches moto internals (``Table.items``, ``StreamShard.items``) of the pinned moto.
"""

from __future__ import annotations

import contextlib
import copy
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

STORE_LOCK = threading.RLock()
"""Held for every DynamoDB call moto serves while the semantics are on: the store is one for all threads."""


@dataclass(frozen=True)
class _Undo:
    table: Any
    hash_value: Any
    range_value: Any
    previous: Any  # the item before the write (a copy), or None when there was none


@contextlib.contextmanager
def dynamodb_semantics() -> Iterator[None]:
    """moto's DynamoDB with isolated calls and copy-free all-or-nothing transactions; restored on exit."""
    from moto.dynamodb.models import DynamoDBBackend
    from moto.dynamodb.responses import DynamoHandler

    saved_call, saved_transact = DynamoHandler.call_action, DynamoDBBackend.transact_write_items
    DynamoHandler.call_action = _locked(saved_call)  # type: ignore[method-assign]
    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign,assignment]
    try:
        yield
    finally:
        DynamoHandler.call_action = saved_call  # type: ignore[method-assign]
        DynamoDBBackend.transact_write_items = saved_transact  # type: ignore[method-assign]


def _locked(call_action: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def call(handler: Any) -> Any:
        with STORE_LOCK:
            return call_action(handler)

    return call


def _transact_write_items(backend: Any, transact_items: list[dict[str, Any]]) -> None:
    """``DynamoDBBackend.transact_write_items``: check all, then write all (undone if a write fails)."""
    from moto.dynamodb.exceptions import TransactionCanceledException

    with STORE_LOCK:
        writes, reasons = _check(backend, transact_items)
        if any(code is not None for code, _, _ in reasons):
            raise TransactionCanceledException(reasons)
        undo: list[_Undo] = []
        streams = {id(table): (table, len(table.stream_shard.items)) for table, *_ in writes if table.stream_shard}
        try:
            for table, op_type, op, key in writes:
                undo.append(_before(backend, table, key))
                _write(backend, op_type, op, key)
        except Exception:
            for step in reversed(undo):
                _restore(step)
            for table, length in streams.values():
                del table.stream_shard.items[length:]
            raise


def _check(backend: Any, transact_items: list[dict[str, Any]]) -> tuple[list[Any], list[Any]]:
    """Each item's condition against the state before the transaction: the writes to make, one reason per item."""
    from moto.dynamodb.comparisons import get_filter_expression
    from moto.dynamodb.exceptions import (
        ConditionalCheckFailed,
        MockValidationException,
        MultipleTransactionsException,
        TooManyTransactionsException,
        TransactWriteSingleOpException,
    )

    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    seen: set[tuple[str, str]] = set()
    writes: list[Any] = []
    reasons: list[Any] = []
    for item in transact_items:
        if len(item) > 1:
            raise TransactWriteSingleOpException
        op_type, op = next(iter(item.items()))
        old = None
        try:
            if op_type not in {"ConditionCheck", "Put", "Delete", "Update"}:
                raise ValueError("Unsupported transaction operation")
            table = backend.get_table(op["TableName"])
            key = _key_of(table, op["Item"]) if op_type == "Put" else op["Key"]
            unique = (str(op["TableName"]), str(dict(sorted(key.items()))))
            if unique in seen:
                raise MultipleTransactionsException()
            seen.add(unique)
            current = backend.get_item(op["TableName"], key)
            condition = op.get("ConditionExpression")
            if condition is not None:
                check = get_filter_expression(
                    condition, op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
                )
                if not check.expr(current):
                    if op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" and current:
                        old = current.to_json()["Attributes"]
                    raise ConditionalCheckFailed(item=old)
            if op_type != "ConditionCheck":
                writes.append((table, op_type, op, key))
            reasons.append((None, None, None))
        except (MultipleTransactionsException, MockValidationException):
            raise
        except ConditionalCheckFailed as err:
            reasons.append(("ConditionalCheckFailed", str(err.message), old))
        except Exception as err:  # as moto: any other failure is that item's cancellation reason
            reasons.append((type(err).__name__, str(err), old))
    return writes, reasons


def _key_of(table: Any, attrs: dict[str, Any]) -> dict[str, Any]:
    key = {table.hash_key_attr: attrs[table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = attrs[table.range_key_attr]
    return key


def _write(backend: Any, op_type: str, op: dict[str, Any], key: dict[str, Any]) -> None:
    """One write whose condition has passed (under the lock nothing changed since): written without it."""
    name = op["TableName"]
    names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    if op_type == "Put":
        backend.put_item(name, op["Item"])
    elif op_type == "Delete":
        backend.delete_item(name, key)
    else:
        backend.update_item(name, key, op["UpdateExpression"], names or {}, values or {})


def _before(backend: Any, table: Any, key: dict[str, Any]) -> _Undo:
    hash_value, range_value = backend.get_keys_value(table, key)
    return _Undo(table, hash_value, range_value, copy.deepcopy(table.get_item(hash_value, range_value)))


def _restore(step: _Undo) -> None:
    items = step.table.items
    if step.range_value is None:
        if step.previous is None:
            items.pop(step.hash_value, None)
        else:
            items[step.hash_value] = step.previous
        return
    if step.previous is None:
        items.get(step.hash_value, {}).pop(step.range_value, None)
        if not items.get(step.hash_value, True):
            del items[step.hash_value]
    else:
        items[step.hash_value][step.range_value] = step.previous
