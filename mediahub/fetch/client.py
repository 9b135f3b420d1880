"""The polite, safe HTTP client for partners' feeds, thumbnails and images.

Partners type in the URLs we fetch, so every URL is hostile input: only http(s), no
credentials, only public addresses (checked again on every redirect hop, and the
connection goes to the very address that was checked, so DNS rebinding cannot swap it),
no proxies from the environment, bounded time and bounded size.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from dataclasses import dataclass
from http.client import HTTPException
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
        "Connection": "close",
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
    watchdog = threading.Timer(total, on_deadline)
    watchdog.daemon = True
    watchdog.start()
    seen, permanent = {url.split("#", 1)[0]}, True
    try:
        for hop in range(MAX_REDIRECTS + 1):
            target = vet(url, rule)
            remaining = start + total - time.monotonic()
            if remaining <= 0:
                raise FetchError(*too_slow)
            conn = resp = None
            try:
                conn = _connect(target, min(connect_to, remaining), min(read_to, remaining))
                live.append(conn.sock)
                if expired.is_set():
                    raise FetchError(*too_slow)
                conn.request(
                    "GET",
                    target.request_target,
                    preload_content=False,
                    headers={"Host": target.host_header, **headers},
                )
                resp = conn.getresponse()
                if resp.status in REDIRECTS:
                    url = _redirect_target(url, resp, hop, seen)
                    permanent = permanent and resp.status in PERMANENT
                    continue
                if resp.status not in (200, 304):
                    raise status_error(resp.status, resp.reason, resp.headers.get("Retry-After"))
                content = _read_body(resp, limit) if resp.status == 200 else b""
                if expired.is_set():  # a body cut off by the watchdog may look complete
                    raise FetchError(*too_slow)
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
                for part in (resp, conn, *live):
                    if part is not None:
                        part.close()
                live.clear()
        raise AssertionError("unreachable")  # the last hop returns or raises
    finally:
        watchdog.cancel()
