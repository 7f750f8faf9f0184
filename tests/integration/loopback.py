"""Where to connect for a URL whose host is a ``.localhost`` name, as a browser or curl would.

RFC 6761 (section 6.3) reserves ``localhost`` and every name under ``.localhost`` for the loopback
interface, and curl resolves them so; Python's resolver asks the system (glibc), which knows only
``localhost`` itself. The local AWS emulator serves each HTTP API at
``http://<apiId>.execute-api.localhost:<port>`` and routes the request by its ``Host`` header, so the
call must go to 127.0.0.1 while still carrying the original ``Host`` (and the SigV4 signature made
over the original URL, whose host it names).
"""

from __future__ import annotations

import urllib.parse

LOOPBACK = "127.0.0.1"


def is_localhost(host: str) -> bool:
    """``localhost`` or a name under it (case-insensitive; a trailing dot is the same name)."""
    name = host.lower().rstrip(".")
    return name == "localhost" or name.endswith(".localhost")


def loopback_target(url: str) -> tuple[str, str | None]:
    """(the URL to connect to, the ``Host`` header to send): ``url`` unchanged and None for any other
    host; for a ``.localhost`` host, the same URL on 127.0.0.1 (same scheme, port, path and query)
    and the original ``host[:port]`` as the ``Host`` header."""
    parts = urllib.parse.urlsplit(url)
    if parts.hostname is None or not is_localhost(parts.hostname):
        return url, None
    netloc = LOOPBACK if parts.port is None else f"{LOOPBACK}:{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc)), parts.netloc
