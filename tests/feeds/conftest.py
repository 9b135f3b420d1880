"""A real HTTP server on loopback for feed tests: routes per test, every request recorded.

    def test_x(http_server):
        http_server.route("/feed.xml", body=b"<rss/>", headers={"Content-Type": "text/xml"})
        http_server.route("/moved", status=301, headers={"Location": "/feed.xml"})
        http_server.route("/custom", lambda req: (200, {"ETag": '"1"'}, b"..."))
        http_server.route("/raw", lambda req: send_chunked(req.handler, [b"<rss>", b"</rss>"]))
        fetch(http_server.url("/feed.xml"), allow_private=True)
        assert http_server.paths == ["/feed.xml"]
        assert http_server.requests[0].headers["User-Agent"]

A callable route gets the RecordedRequest and returns (status, headers, body); anything else
(None) means it wrote the whole response itself through `req.handler` (slow drips, chunked
bodies, lies; `send_reply` and `send_chunked` help). Unknown paths answer 404.
More servers (other loopback addresses such as 127.0.0.2, or ::1; or https with
tls=(certfile, keyfile)) come from `http_server_factory(host=..., port=..., tls=...)`;
all are stopped after the test.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import ssl
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

Reply = tuple[int, dict[str, str], bytes | str]
Handler = Callable[["RecordedRequest"], Reply | None]


@dataclass
class RecordedRequest:
    method: str
    path: str  # request target as sent, query included
    headers: Message  # case-insensitive: headers["user-agent"]
    client: tuple[Any, ...]
    body: bytes  # request body, if one was sent with a Content-Length
    handler: BaseHTTPRequestHandler = field(repr=False, compare=False)


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server

    def do_GET(self) -> None:
        self.server.owner._dispatch(self)

    do_HEAD = do_POST = do_GET

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output quiet


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    owner: LocalHTTPServer

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # clients hang up on purpose in these tests (size caps, deadlines)


class _Server6(_Server):
    address_family = socket.AF_INET6


class LocalHTTPServer:
    """A threaded HTTP/1.1 server on one loopback address, with per-path routes."""

    def __init__(
        self, host: str = "127.0.0.1", port: int = 0, tls: tuple[str, str] | None = None
    ) -> None:
        if not ipaddress.ip_address(host).is_loopback:
            raise ValueError("test servers listen on loopback addresses only")
        self._httpd = (_Server6 if ":" in host else _Server)((host, port), _RequestHandler)
        self._httpd.owner = self
        if tls:  # (certificate file, key file)
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(*tls)
            self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self.scheme = "https" if tls else "http"
        self.host = host
        self.port: int = self._httpd.server_address[1]
        self.requests: list[RecordedRequest] = []
        self.stopping = threading.Event()
        self._routes: dict[str, Reply | Handler] = {}
        self._lock = threading.Lock()
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()

    @property
    def base_url(self) -> str:
        name = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{name}:{self.port}"

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    @property
    def paths(self) -> list[str]:
        return [r.path for r in self.requests]

    def requests_to(self, path: str) -> list[RecordedRequest]:
        return [r for r in self.requests if r.path == path]

    def route(
        self,
        path: str,
        handler: Handler | None = None,
        *,
        status: int = 200,
        body: bytes | str = b"",
        headers: dict[str, str] | None = None,
    ) -> None:
        """Serve `path` (exact, or without its query) with a fixed reply or a callable."""
        self._routes[path] = handler if handler is not None else (status, headers or {}, body)

    def sleep(self, seconds: float) -> bool:
        """For dripping handlers: wait, and return False once the server is shutting down."""
        return not self.stopping.wait(seconds)

    def stop(self) -> None:
        self.stopping.set()
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def _dispatch(self, handler: BaseHTTPRequestHandler) -> None:
        length = handler.headers.get("Content-Length", "")
        body = handler.rfile.read(int(length)) if length.isdigit() else b""
        request = RecordedRequest(
            handler.command, handler.path, handler.headers, handler.client_address, body, handler
        )
        with self._lock:
            self.requests.append(request)
        route = self._routes.get(handler.path) or self._routes.get(handler.path.split("?")[0])
        if route is None:
            route = (404, {"Content-Type": "text/plain"}, b"no such route")
        reply = route(request) if callable(route) else route
        if isinstance(reply, tuple):
            with contextlib.suppress(OSError):
                send_reply(handler, *reply)


def send_reply(
    handler: BaseHTTPRequestHandler, status: int, headers: dict[str, str], body: bytes | str
) -> None:
    """Write a whole response; Content-Length is added unless the headers frame the body."""
    data = body.encode() if isinstance(body, str) else body
    handler.send_response(status)
    framing = {k.lower() for k in headers} & {"content-length", "transfer-encoding"}
    for name, value in headers.items():
        handler.send_header(name, value)
    if not framing:
        handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    if handler.command != "HEAD":
        handler.wfile.write(data)
    handler.wfile.flush()


def send_chunked(
    handler: BaseHTTPRequestHandler,
    chunks: Iterable[bytes],
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> None:
    """Write a Transfer-Encoding: chunked response, stopping quietly if the client hangs up."""
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    with contextlib.suppress(OSError):
        for chunk in chunks:
            if chunk:
                handler.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
        handler.wfile.write(b"0\r\n\r\n")
        handler.wfile.flush()


@pytest.fixture
def http_server_factory() -> Iterable[Callable[..., LocalHTTPServer]]:
    servers: list[LocalHTTPServer] = []

    def make(
        host: str = "127.0.0.1", port: int = 0, tls: tuple[str, str] | None = None
    ) -> LocalHTTPServer:
        server = LocalHTTPServer(host, port, tls)
        servers.append(server)
        return server

    yield make
    for server in servers:
        server.stop()


@pytest.fixture
def http_server(http_server_factory: Callable[..., LocalHTTPServer]) -> LocalHTTPServer:
    """A fresh server on 127.0.0.1 with no routes (unknown paths answer 404)."""
    return http_server_factory()
