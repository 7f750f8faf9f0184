"""The deployed stage under test, found once per session; every test skips with the same reason without one.

Run on their own, so the offline suite's tests/conftest.py (which removes AWS credentials) is not loaded:
    INTEGRATION_STAGE=dev python -m pytest --confcutdir=tests/integration tests/integration
"""

from __future__ import annotations

import os

import pytest

from tests.integration.deployment import Deployment, NotTestable, find_deployment


@pytest.fixture(scope="session")
def deployment() -> Deployment:
    try:
        return find_deployment(os.environ)
    except NotTestable as reason:
        pytest.skip(str(reason))
