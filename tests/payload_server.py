"""A real HTTP server on 127.0.0.1 that serves recorded payloads, for syncing sources without the internet.

Each path maps to a list of responses served in turn (the last one repeats), so a test can script faults:
`server.add("/models", Reply(status=503, headers={"Retry-After": "2"}), Reply(body=payload))`.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Reply:
    body: Any = None  # dict/list -> JSON; bytes/str -> as is
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    # Close the connection after sending only this many bytes of the body (a truncated response).
    truncate_at: int | None = None
    # Wait this long before answering (to make a client time out).
    delay: float = 0.0

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


class PayloadServer:
    def __init__(self, port: int = 0) -> None:
        self.routes: dict[str, list[Reply]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                reply = server._next(self.path, dict(self.headers))
                if reply.delay:
                    threading.Event().wait(reply.delay)
                body = reply.encoded()
                self.send_response(reply.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body[: reply.truncate_at] if reply.truncate_at is not None else body)
                if reply.truncate_at is not None:
                    self.close_connection = True

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def add(self, path: str, *replies: Reply | Any) -> None:
        self.routes[path] = [r if isinstance(r, Reply) else Reply(body=r) for r in replies]

    def _next(self, path: str, headers: dict[str, str]) -> Reply:
        with self._lock:
            self.requests.append((path, headers))
            replies = self.routes.get(path)
            if not replies:
                return Reply(status=404, body={"error": f"no payload recorded for {path}"})
            return replies.pop(0) if len(replies) > 1 else replies[0]

    def hits(self, path: str) -> int:
        return sum(1 for requested, _ in self.requests if requested == path)

    def __enter__(self) -> PayloadServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
