"""The polite, safe HTTP client for partners' feeds and thumbnails.

Partners type in the URLs we fetch, so every URL is hostile input: only http(s), no
credentials, only public addresses (checked again on every redirect hop, and the
connection goes to the very address that was checked, so DNS rebinding cannot swap it),
no proxies from the environment, bounded time and bounded size.
"""

from __future__ import annotations

import contextlib
import email.utils
import ipaddress
import re
import socket
import ssl
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from http import HTTPStatus
from http.client import HTTPException
from typing import Any
from urllib.parse import quote, urljoin, urlsplit

import urllib3
from django.conf import settings
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.exceptions import ConnectTimeoutError, DecodeError, NewConnectionError
from urllib3.util.ssl_match_hostname import CertificateError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
AddressRule = Callable[[IPAddress], bool]

FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"
)
DEFAULT_USER_AGENT = "Mediahub/1.0 (+https://mediahub.example/over; feed fetcher)"
MAX_REDIRECTS = 5
REDIRECTS = frozenset({301, 302, 303, 307, 308})
PERMANENT = frozenset({301, 308})
CHUNK = 64 * 1024
_NETWORK_ERRORS = (urllib3.exceptions.HTTPError, HTTPException, OSError, CertificateError)

_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_NAT64_LOCAL = ipaddress.IPv6Network("64:ff9b:1::/48")
_SIX_TO_FOUR = ipaddress.IPv6Network("2002::/16")
_V4_COMPATIBLE = ipaddress.IPv6Network("::/96")
# WHATWG parsers and the C resolver read a host whose last label is numeric as IPv4.
_NUMERIC_LABEL = re.compile(r"^(0x[0-9a-f]*|[0-9]+)$", re.IGNORECASE)


class FetchError(Exception):
    """A fetch failed; str(exc) is a plain-words message a partner can read."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        retry_after: int | None = None,
        gone: bool = False,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.retry_after = retry_after
        self.gone = gone


class UnsafeURL(FetchError):
    """Refused by the URL/address policy; no request was sent."""


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


@dataclass(frozen=True)
class _Target:
    scheme: str
    host: str
    port: int
    addresses: tuple[IPAddress, ...]
    request_target: str
    host_header: str


def _setting(name: str, default: Any) -> Any:
    return getattr(settings, name, default)


def _unwrap(ip: IPAddress) -> IPAddress | None:
    """The IPv4 address carried inside an IPv6 form; None for forms we never reach."""
    if ip.version == 4:
        return ip
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip in _NAT64 or ip in _V4_COMPATIBLE:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    if ip in _SIX_TO_FOUR:
        return ip.sixtofour
    return None if ip in _NAT64_LOCAL else ip


def is_public_address(ip: IPAddress) -> bool:
    """The default address rule: globally routable unicast, looking through IPv6 wrappers.

    "Not private" is not enough: CGNAT, multicast and the IPv6 forms that carry 127.0.0.1
    are not private to `ipaddress`, yet reach places a partner's URL must not.
    """
    inner = _unwrap(ip)
    if inner is None:
        return False
    # is_global already excludes private, loopback, link-local and unspecified addresses.
    special = inner.is_multicast or inner.is_reserved or getattr(inner, "is_site_local", False)
    return inner.is_global and not special


def _rule(allow_private: bool | None, address_allowed: AddressRule | None) -> AddressRule:
    if address_allowed is not None:
        return address_allowed
    if allow_private is None:
        allow_private = bool(_setting("FEEDS_ALLOW_PRIVATE_NETWORKS", False))
    return (lambda ip: True) if allow_private else is_public_address


def _literal_address(host: str) -> IPAddress | None:
    """The IP literal `host` is, or None for a name; disguised numeric forms are refused."""
    if ":" in host:
        try:
            return ipaddress.IPv6Address(host)
        except ValueError:
            raise UnsafeURL(f"'{host}' is not a valid IPv6 address.") from None
    with contextlib.suppress(ValueError):
        return ipaddress.IPv4Address(host)
    numeric = bool(_NUMERIC_LABEL.match(host.rstrip(".").rsplit(".", 1)[-1]))
    with contextlib.suppress(OSError):
        socket.inet_aton(host)  # what the C resolver would turn into an address
        numeric = True
    if numeric:
        raise UnsafeURL(f"'{host}' is a disguised numeric address; use a normal host name.")
    return None


def _resolve(host: str, port: int) -> list[IPAddress]:
    failed = FetchError(f"Could not find the server '{host}' (the name does not resolve).")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise failed from exc
    found = [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]
    if not found:
        raise failed
    return list(dict.fromkeys(found))


def _vet(url: str, rule: AddressRule) -> _Target:
    """Check one URL against the policy and resolve it to the addresses we may connect to."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise UnsafeURL("This is not a valid web address.") from None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise UnsafeURL("Only http:// and https:// addresses can be fetched.")
    if "@" in parts.netloc:
        raise UnsafeURL("Addresses with a user name or password in them are not accepted.")
    if not parts.hostname:
        raise UnsafeURL("The address has no host name.")
    default_port = 443 if scheme == "https" else 80
    port = default_port if port is None else port
    if port == 0:
        raise UnsafeURL("The address has an invalid port number.")
    literal = _literal_address(parts.hostname)
    if literal is not None:
        host, addresses = str(literal), [literal]
    else:
        try:
            host = parts.hostname.encode("idna").decode("ascii")
        except UnicodeError:
            raise UnsafeURL(f"'{parts.hostname}' is not a valid host name.") from None
        addresses = _resolve(host, port)
        host = host.rstrip(".")  # certificates and Host headers carry no trailing dot
    refused = [ip for ip in addresses if not rule(ip)]
    if refused:
        raise UnsafeURL(
            f"'{host}' points to a private or reserved network address ({refused[0]}); "
            "only public internet addresses can be fetched."
        )
    name = f"[{host}]" if ":" in host else host
    target = quote(parts.path or "/", safe="/%!$&'()*+,;=:@~")
    if parts.query:
        target += "?" + quote(parts.query, safe="/?%!$&'()*+,;=:@~")
    return _Target(
        scheme,
        host,
        port,
        tuple(addresses),
        target,
        name if port == default_port else f"{name}:{port}",
    )


def check_url(url: str, *, allow_private: bool | None = None) -> None:
    """Raise UnsafeURL if `url` may not be fetched (FetchError if its name does not resolve)."""
    _vet(url, _rule(allow_private, None))


def _retry_after(value: str | None) -> int | None:
    """Retry-After (seconds or HTTP-date) clamped, so we neither hammer nor give up for days."""
    value = (value or "").strip()
    if value.isdigit():
        seconds = int(value)
    else:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        when = when if when.tzinfo else when.replace(tzinfo=UTC)
        seconds = int((when - datetime.now(UTC)).total_seconds() + 0.999)
    return min(max(seconds, 60), 86400)


def _max_age(value: str | None) -> int | None:
    for directive in (value or "").split(","):
        key, _, arg = directive.partition("=")
        arg = arg.strip().strip('"')
        if key.strip().lower() == "max-age" and arg.isdigit():
            return int(arg)
    return None


def _status_error(status: int, reason: str, retry_after: str | None) -> FetchError:
    known = status in HTTPStatus._value2member_map_
    code = f"HTTP {status} {reason or (HTTPStatus(status).phrase if known else '')}".strip()
    if status == 410:
        return FetchError(
            f"The feed is gone ({code}): the server says it was removed for good.",
            status=status,
            gone=True,
        )
    if status in (429, 503):
        wait = _retry_after(retry_after)
        when = f"in {-(-wait // 60)} minutes" if wait else "later"
        what = "asks us to slow down" if status == 429 else "is temporarily unavailable"
        return FetchError(
            f"The server {what} ({code}); we will try again {when}.",
            status=status,
            retry_after=wait,
        )
    if status == 404:
        msg = f"The feed was not found ({code}). Please check the address."
    elif status in (401, 403):
        msg = f"The server refused access to the feed ({code})."
    elif status >= 500:
        msg = f"The server had a problem ({code}). We will try again later."
    else:
        msg = f"The server did not send the feed ({code})."
    return FetchError(msg, status=status)


def _network_error(exc: BaseException, target: _Target) -> FetchError:
    where = f"{target.host}:{target.port}"
    if isinstance(exc, NewConnectionError):  # before its base class, ConnectTimeoutError
        reason = getattr(exc.__cause__, "strerror", None) or "network error"
        return FetchError(f"Could not connect to the server {where} ({reason.lower()}).")
    if isinstance(exc, ConnectTimeoutError):
        return FetchError(f"The server {where} did not accept a connection in time.")
    if isinstance(exc, CertificateError):
        return FetchError(f"The https certificate of {where} is not valid for '{target.host}'.")
    if isinstance(exc, urllib3.exceptions.SSLError | ssl.SSLError):
        reason = getattr(exc, "verify_message", None) or getattr(exc, "reason", None)
        return FetchError(f"The secure (https) connection to {where} failed ({reason or exc}).")
    if isinstance(exc, urllib3.exceptions.ReadTimeoutError | TimeoutError):
        return FetchError(f"The server {where} stopped answering (timed out).")
    if isinstance(exc, DecodeError):
        return FetchError(f"The server {where} sent compressed data that could not be unpacked.")
    return FetchError(f"The connection to {where} broke off before the answer was complete.")


def _connect(target: _Target, connect_timeout: float, read_timeout: float) -> HTTPConnection:
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
    raise last or FetchError(f"Could not connect to the server {target.host}.")


def _read_body(resp: Any, limit: int) -> bytes:
    """Stream the body, stopping as soon as either the wire or the unpacked size passes `limit`."""
    declared = resp.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > limit:
        raise FetchError(
            f"The feed is too large ({int(declared):,} bytes; the limit is {limit:,})."
        )
    chunks, size = [], 0
    while chunk := resp.read1(CHUNK, decode_content=True):  # bounded even for gzip bombs
        size += len(chunk)
        if size > limit or resp.tell() > limit:
            raise FetchError(f"The feed is too large (more than {limit:,} bytes once unpacked).")
        chunks.append(chunk)
    return b"".join(chunks)


def _redirect_target(url: str, resp: Any, hop: int, seen: set[str]) -> str:
    """The next URL to try; it is vetted like the first one before anything is sent to it."""
    location = resp.headers.get("Location", "").strip()
    if not location:
        raise FetchError(f"The server redirected (HTTP {resp.status}) to nowhere.")
    if hop == MAX_REDIRECTS:
        raise FetchError(f"Too many redirects (more than {MAX_REDIRECTS}).")
    new = urljoin(url, location)
    if new.split("#", 1)[0] in seen:
        raise FetchError("The address redirects in a loop and never reaches a feed.")
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
    rule = _rule(allow_private, _address_allowed)
    limit = int(max_bytes if max_bytes is not None else _setting("FEEDS_MAX_BYTES", 10 * 2**20))
    total = float(deadline if deadline is not None else _setting("FEEDS_FETCH_DEADLINE", 20))
    timeouts = _setting("FEEDS_FETCH_TIMEOUT", 10)
    connect_to, read_to = timeouts if isinstance(timeouts, tuple | list) else (timeouts,) * 2
    headers = {
        "User-Agent": str(_setting("FEEDS_USER_AGENT", DEFAULT_USER_AGENT)),
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

    too_slow = f"Gave up after {total:g} seconds: the server was too slow to answer."
    watchdog = threading.Timer(total, on_deadline)
    watchdog.daemon = True
    watchdog.start()
    seen, permanent = {url.split("#", 1)[0]}, True
    try:
        for hop in range(MAX_REDIRECTS + 1):
            target = _vet(url, rule)
            remaining = start + total - time.monotonic()
            if remaining <= 0:
                raise FetchError(too_slow)
            conn = resp = None
            try:
                conn = _connect(target, min(connect_to, remaining), min(read_to, remaining))
                live.append(conn.sock)
                if expired.is_set():
                    raise FetchError(too_slow)
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
                    raise _status_error(resp.status, resp.reason, resp.headers.get("Retry-After"))
                content = _read_body(resp, limit) if resp.status == 200 else b""
                if expired.is_set():  # a body cut off by the watchdog may look complete
                    raise FetchError(too_slow)
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
                    raise FetchError(too_slow) from exc
                raise _network_error(exc, target) from exc
            finally:
                for part in (resp, conn, *live):
                    if part is not None:
                        part.close()
                live.clear()
        raise AssertionError("unreachable")  # the last hop returns or raises
    finally:
        watchdog.cancel()
