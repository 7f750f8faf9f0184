"""``--dist loadgroup`` on pytest 9.2: put each test's ``xdist_group`` back into its node id.

pytest-xdist 3.8 tells its scheduler a test's group by appending ``@<group>`` to the node id, written
to the item's legacy ``_nodeid`` field; pytest 9.2 reads node ids from a structured ``_id`` instead,
so the suffix is lost and every test is scheduled alone (pytest-dev/pytest-xdist#1386, fix proposed
in #1388). The emulator tests then spread over both workers and each deploys its own emulator. This
hook, run after xdist's, writes the same suffix where pytest 9.2 reads it; with a pytest or xdist
that already carries it, it changes nothing.
"""

from __future__ import annotations

import pytest


def group_suffix(item: pytest.Item) -> str:
    """``@<names>`` as xdist writes it (names sorted, joined by ``_``), or "" for a test in no group."""
    names = {str(mark.args[0] if mark.args else mark.kwargs.get("name", "default"))
             for mark in item.iter_markers("xdist_group")}  # fmt: skip
    return f"@{'_'.join(sorted(names))}" if names else ""


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        suffix = group_suffix(item)
        if not suffix or item.nodeid.endswith(suffix) or not hasattr(item, "_id"):
            continue
        from _pytest.nodeid import coerce_node_id

        item._id = coerce_node_id(item.nodeid + suffix)
