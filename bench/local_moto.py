"""A moto server on a free 127.0.0.1 port for a bench, with the environment every AWS client of the run
then uses (endpoint, dummy credentials, Region); stopped on exit. The tests start theirs in conftest."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator


@contextlib.contextmanager
def local_moto(region: str) -> Iterator[str]:
    """Yields the endpoint URL (``localhost``, as FACTS says moto's URLs must name it)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    _, port = server.get_host_and_port()
    endpoint = f"http://localhost:{port}"
    os.environ.update(AWS_ENDPOINT_URL=endpoint, AWS_ACCESS_KEY_ID="bench",
                      AWS_SECRET_ACCESS_KEY="bench", AWS_DEFAULT_REGION=region)  # fmt: skip
    try:
        yield endpoint
    finally:
        server.stop()
