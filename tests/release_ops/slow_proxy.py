"""A forwarding proxy in front of the moto server that answers DeleteFunction slowly, so a test can
send a real signal to a real ``release prune`` while it is deleting (moto deletes in microseconds).

Every request is forwarded unchanged (method, path, headers, body) and the answer returned as is;
only ``DELETE /2015-03-31/functions/...`` waits ``delay`` seconds, as a distant Region would: before
forwarding (a signal then finds the version not yet deleted) or after moto answered (a signal then
finds it deleted although the client never heard so: the in-flight case a prune must settle).
"""

from __future__ import annotations

import http.client
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

HOP_BY_HOP = {"connection", "transfer-encoding", "keep-alive", "content-length"}


@contextmanager
def slow_deletes(upstream: str, delay: float, *, when: str = "before") -> Iterator[str]:
    """Run the proxy for the ``with`` block and give its URL (``http://localhost:PORT``)."""
    target = urlsplit(upstream)

    class Forward(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def _forward(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            slow = self.command == "DELETE" and self.path.startswith("/2015-03-31/functions/")
            if slow and when == "before":
                time.sleep(delay)
            connection = http.client.HTTPConnection(target.hostname or "localhost", target.port, timeout=60)
            headers = {k: v for k, v in self.headers.items() if k.lower() not in HOP_BY_HOP}
            connection.request(self.command, self.path, body=body, headers=headers)
            answer = connection.getresponse()
            payload = answer.read()
            connection.close()
            if slow and when == "after":
                time.sleep(delay)
            self.send_response(answer.status, answer.reason)
            for key, value in answer.getheaders():
                if key.lower() not in HOP_BY_HOP:
                    self.send_header(key, value)
            self.send_header("Content-Length", str(len(payload)))
            try:
                self.end_headers()
                self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client was stopped while waiting: exactly what the tests do

        do_GET = do_POST = do_PUT = do_DELETE = do_HEAD = _forward

        def log_message(self, *_: object) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Forward)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://localhost:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
