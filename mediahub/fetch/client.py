"""The polite, safe HTTP client for partners' feeds, thumbnails and images.

Partners type in the URLs we fetch, so every URL is hostile input: only http(s), no
credentials, only public addresses (checked again on every redirect hop, and the
connection goes to the very address that was checked, so DNS rebinding cannot swap it),
no proxies from the environment, bounded time and bounded size.

A fetch cycle asks the same hosts again and again, mostly for a 304: connections are kept
alive and reused within a process (`_Connections`), and one watchdog thread per process
(`_Watchdog`) enforces every fetch's deadline.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from http.client import HTTPException, RemoteDisconnected
from typing import Any
from urllib.parse import urljoin

import urllib3
from django.conf import settings
from django.utils.translation import gettext_noop
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError
from urllib3.util.ssl_match_hostname import CertificateError

from mediahub.fetch.addresses import AddressRule, Target, address_rule, vet
from mediahub.fetch.errors import FetchError, network_error, status_error

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
CHUNK = 64 * 1024
_NETWORK_ERRORS = (urllib3.exceptions.HTTPError, HTTPException, OSError, CertificateError)
# What a kept-alive connection the server has meanwhile closed raises on its next request.
_STALE = (RemoteDisconnected, ConnectionResetError, BrokenPipeError)
IDLE_PER_HOST = 2
IDLE_MAX = 64


class _Watchdog:
    """One thread per process that calls each fetch's deadline callback when it is due; a timer
    thread per fetch cost more than the whole fetch of an unchanged feed."""

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a forked worker starts its own

    def _reset(self) -> None:
        self._wake = threading.Condition()
        self._due: list[list[Any]] = []  # heap of [when, order, callback or None if cancelled]
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def call_at(self, when: float, callback: Callable[[], None]) -> list[Any]:
        """Call `callback` at monotonic time `when`; the entry returned cancels it."""
        entry = [when, next(self._order), callback]
        with self._wake:
            heapq.heappush(self._due, entry)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="fetch-watchdog")
                self._thread.daemon = True
                self._thread.start()
            self._wake.notify()
        return entry

    def cancel(self, entry: list[Any]) -> None:
        with self._wake:
            entry[2] = None

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._due and self._due[0][2] is None:
                    heapq.heappop(self._due)
                if not self._due:
                    self._wake.wait()
                    continue
                delay = self._due[0][0] - time.monotonic()
                if delay > 0:
                    self._wake.wait(delay)
                    continue
                callback = heapq.heappop(self._due)[2]
            callback()


class _Connections:
    """Idle kept-alive connections of this process, by scheme, host name, port and address.

    Hand-written rather than urllib3's pools: those resolve the name themselves when they
    connect, where we must connect to the very address that was vetted. A connection is only
    taken again for a target vetted now that lists its address, and for the same host name (so
    TLS checked the certificate for this name).
    """

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)  # a parent's sockets are not a child's

    def _reset(self) -> None:
        self._lock = threading.Lock()
        self._idle: dict[tuple[str, str, int, str], list[HTTPConnection]] = {}

    def take(self, target: Target) -> HTTPConnection | None:
        """An idle connection to one of the target's vetted addresses still open, or None."""
        with self._lock:
            for ip in target.addresses:
                idle = self._idle.get((target.scheme, target.host, target.port, str(ip)), [])
                while idle:
                    conn = idle.pop()
                    if conn.is_connected:  # not closed by the server meanwhile
                        return conn
                    conn.close()
        return None

    def give_back(self, target: Target, conn: HTTPConnection) -> None:
        """Keep a connection whose response was read to its end for the next fetch."""
        key = (target.scheme, target.host, target.port, conn.host)  # conn.host: the address
        with self._lock:
            idle = self._idle.setdefault(key, [])
            idle.append(conn)
            if len(idle) > IDLE_PER_HOST:
                idle.pop(0).close()
            if sum(len(conns) for conns in self._idle.values()) > IDLE_MAX:
                oldest = next(key for key, conns in self._idle.items() if conns)
                self._idle[oldest].pop(0).close()


_watchdog = _Watchdog()
_connections = _Connections()


@dataclass
class FetchResult:
    status: int  # 200 or 304
    url: str  # final URL after redirects
    permanent_url: str | None  # set when every redirect hop was 301/308: the URL to store
    content: bytes  # b"" for 304
    content_type: str
    etag: str | None
    last_modified: str | None
    max_age: int | None  # Cache-Control max-age, seconds
    elapsed: float  # seconds
    bytes_read: int  # body bytes on the wire (before unpacking)


def _max_age(value: str | None) -> int | None:
    for directive in (value or "").split(","):
        key, _, arg = directive.partition("=")
        arg = arg.strip().strip('"')
        if key.strip().lower() == "max-age" and arg.isdigit():
            return int(arg)
    return None


def _connect(target: Target, connect_timeout: float, read_timeout: float) -> HTTPConnection:
    """Connect to a checked address (never a fresh DNS answer); TLS still checks the name."""
    last: Exception | None = None
    for ip in target.addresses:
        if target.scheme == "https":
            conn = HTTPSConnection(
                str(ip),
                target.port,
                timeout=connect_timeout,
                server_hostname=target.host,
                assert_hostname=target.host,
                cert_reqs="CERT_REQUIRED",
            )
        else:
            conn = HTTPConnection(str(ip), target.port, timeout=connect_timeout)
        try:
            conn.connect()
        except (ConnectTimeoutError, NewConnectionError) as exc:
            conn.close()
            last = exc
            continue
        conn.timeout = read_timeout
        return conn
    raise last or FetchError(
        gettext_noop("Could not connect to the server %(host)s."), {"host": target.host}
    )


def _read_body(resp: Any, limit: int) -> bytes:
    """Stream the body, stopping as soon as either the wire or the unpacked size passes `limit`."""
    declared = resp.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(
            gettext_noop("The feed is too large (%(size)s bytes; the limit is %(limit)s)."),
            {"size": f"{int(declared):,}", "limit": f"{limit:,}"},
        )
    chunks, size = [], 0
    while chunk := resp.read1(CHUNK, decode_content=True):  # bounded even for gzip bombs
        size += len(chunk)
        if size > limit or resp.tell() > limit:
            raise FetchError(
                gettext_noop("The feed is too large (more than %(limit)s bytes once unpacked)."),
                {"limit": f"{limit:,}"},
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _redirect_target(url: str, resp: Any, hop: int, seen: set[str]) -> str:
    """The next URL to try; it is vetted like the first one before anything is sent to it."""
    location = resp.headers.get("Location", "").strip()
    if not location:
        raise FetchError(
            gettext_noop("The server redirected (HTTP %(status)s) to nowhere."),
            {"status": resp.status},
        )
    if hop == MAX_REDIRECTS:
        raise FetchError(
            gettext_noop("Too many redirects (more than %(count)s)."), {"count": MAX_REDIRECTS}
        )
    new = urljoin(url, location)
    if new.split("#", 1)[0] in seen:
        raise FetchError(gettext_noop("The address redirects in a loop and never reaches a feed."))
    seen.add(new.split("#", 1)[0])
    return new


def fetch(
    url: str,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    max_bytes: int | None = None,
    deadline: float | None = None,
    accept: str = FEED_ACCEPT,
    allow_private: bool | None = None,
    _address_allowed: AddressRule | None = None,
) -> FetchResult:
    """GET `url` politely (conditional, identified, bounded) and safely (see module docstring).

    `_address_allowed` replaces the address rule; it exists so tests can prove each hop is vetted.
    """
    rule = address_rule(allow_private, _address_allowed)
    limit = int(max_bytes if max_bytes is not None else settings.FEEDS_MAX_BYTES)
    total = float(deadline if deadline is not None else settings.FEEDS_FETCH_DEADLINE)
    timeouts = settings.FEEDS_FETCH_TIMEOUT
    connect_to, read_to = timeouts if isinstance(timeouts, tuple | list) else (timeouts,) * 2
    headers = {
        "User-Agent": str(settings.FEEDS_USER_AGENT),
        "Accept": accept,
        "Accept-Encoding": "gzip, deflate",  # exactly what urllib3 can unpack
    }
    for name, value in (("If-None-Match", etag), ("If-Modified-Since", last_modified)):
        if value and value.isprintable():
            headers[name] = value

    # Timeouts bound each socket operation; a server dripping a byte a second defeats them.
    # The watchdog shuts the live socket down at the deadline, which wakes any blocked read.
    start = time.monotonic()
    expired = threading.Event()
    live: list[socket.socket] = []  # the raw sockets: http.client drops conn.sock early

    def on_deadline() -> None:
        expired.set()
        for sock in list(live):
            with contextlib.suppress(OSError):
                socket.socket.shutdown(sock, socket.SHUT_RDWR)

    too_slow = (
        gettext_noop("Gave up after %(seconds)s seconds: the server was too slow to answer."),
        {"seconds": f"{total:g}"},
    )
    watchdog = _watchdog.call_at(start + total, on_deadline)
    seen, permanent = {url.split("#", 1)[0]}, True
    try:
        for hop in range(MAX_REDIRECTS + 1):
            target = vet(url, rule)
            remaining = start + total - time.monotonic()
            if remaining <= 0:
                raise FetchError(*too_slow)
            conn = resp = None
            keep = False
            try:
                for fresh in (False, True):
                    conn = None if fresh else _connections.take(target)
                    reused = conn is not None
                    if conn is None:
                        conn = _connect(target, min(connect_to, remaining), min(read_to, remaining))
                    conn.timeout = min(read_to, remaining)  # urllib3 sets it on the socket
                    conn.sock.settimeout(conn.timeout)
                    live.append(conn.sock)
                    if expired.is_set():
                        raise FetchError(*too_slow)
                    try:
                        conn.request(
                            "GET",
                            target.request_target,
                            preload_content=False,
                            headers={"Host": target.host_header, **headers},
                        )
                        resp = conn.getresponse()
                        break
                    except _STALE:
                        if not reused:
                            raise
                        conn.close()  # closed by the server while idle: once more, anew
                if resp.status in REDIRECTS:
                    url = _redirect_target(url, resp, hop, seen)
                    permanent = permanent and resp.status in PERMANENT
                    continue
                if resp.status not in (200, 304):
                    raise status_error(resp.status, resp.reason, resp.headers.get("Retry-After"))
                content = _read_body(resp, limit) if resp.status == 200 else resp.read()
                if expired.is_set():  # a body cut off by the watchdog may look complete
                    raise FetchError(*too_slow)
                # Read to its end on a connection the server keeps open: the next fetch of
                # this host may use it.
                keep = conn.sock is not None  # http.client drops it if the server closes
                return FetchResult(
                    status=resp.status,
                    url=url,
                    permanent_url=url if hop and permanent else None,
                    content=content,
                    content_type=resp.headers.get("Content-Type", ""),
                    # A 304 need not repeat the validators; the ones we sent still hold.
                    etag=resp.headers.get("ETag") or (etag if resp.status == 304 else None),
                    last_modified=resp.headers.get("Last-Modified")
                    or (last_modified if resp.status == 304 else None),
                    max_age=_max_age(resp.headers.get("Cache-Control")),
                    elapsed=time.monotonic() - start,
                    bytes_read=resp.tell(),
                )
            except _NETWORK_ERRORS as exc:
                if expired.is_set():
                    raise FetchError(*too_slow) from exc
                raise network_error(exc, target.host, target.port) from exc
            finally:
                if keep:
                    _connections.give_back(target, conn)
                else:
                    for part in (resp, conn, *live):
                        if part is not None:
                            part.close()
                live.clear()
        raise AssertionError("unreachable")  # the last hop returns or raises
    finally:
        _watchdog.cancel(watchdog)
