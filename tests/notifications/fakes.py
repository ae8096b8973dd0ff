"""Local stand-ins for a mail server and the group-robot APIs, on 127.0.0.1 only."""

from __future__ import annotations

import json
import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class FlakySMTP:
    """An SMTP server that answers 451 to the first `fail` messages, then accepts them."""

    def __init__(self, fail: int = 0):
        self.fail = fail
        self.received: list = []
        self.refused = 0

    async def handle_DATA(self, server, session, envelope):
        if self.fail > 0:
            self.fail -= 1
            self.refused += 1
            return "451 4.3.0 Mail server temporarily unavailable"
        self.received.append(envelope)
        return "250 OK"


@contextmanager
def smtp_server(port: int, handler: FlakySMTP):
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


class FakeRobot:
    """A WeCom/DingTalk-like webhook: records each POST, answers the queued replies in turn."""

    def __init__(self, replies=None):
        self.replies = list(replies or [])
        self.requests: list[dict] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def _handler(self):
        robot = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                robot.requests.append({"path": parts.path, "query": parse_qs(parts.query),
                                       "json": json.loads(self.rfile.read(length) or b"{}")})
                status, answer = robot.replies.pop(0) if robot.replies else (200, {"errcode": 0, "errmsg": "ok"})
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        return Handler

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
