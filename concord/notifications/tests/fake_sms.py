"""A local fake SMS gateway: an HTTP server in a thread that records what it is sent."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeSmsGateway:
    def __init__(self, *, fail_first: int = 0, status_on_fail: int = 503, token: str = "t0k"):  # noqa: S107 (a fake for tests)
        self.received: list[dict] = []
        self.fail_first = fail_first
        self.status_on_fail = status_on_fail
        self.token = token
        self.calls = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (the stdlib's name)
                gateway.calls += 1
                length = int(self.headers.get("Content-Length", 0))
                payload = json.loads(self.rfile.read(length) or b"{}")
                if self.headers.get("Authorization") != f"Bearer {gateway.token}":
                    self._reply(401, {"error": "bad token"})
                elif gateway.calls <= gateway.fail_first:
                    self._reply(gateway.status_on_fail, {"error": "busy"})
                else:
                    gateway.received.append(payload)
                    self._reply(200, {"id": f"fake-{len(gateway.received)}"})

            def _reply(self, status: int, body: dict) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args):  # keep test output quiet
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/send"

    def settings(self) -> dict:
        return {"BACKEND": "http", "OPTIONS": {"url": self.url, "token": self.token, "timeout": 5}}

    def __enter__(self) -> FakeSmsGateway:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
