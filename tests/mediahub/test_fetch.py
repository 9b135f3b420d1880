"""The safe HTTP client against a real loopback HTTP server: politeness, limits, SSRF policy."""

from __future__ import annotations

import contextlib
import email.utils
import gzip
import ipaddress
import shutil
import socket
import struct
import subprocess
import time
import tracemalloc
import urllib.error
import urllib.request
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import urllib3

from mediahub.fetch import FetchError, UnsafeURL, check_url, fetch, is_public_address
from tests.feeds.conftest import send_chunked

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Nieuws</title></channel></rss>'
MB = 1024 * 1024


@pytest.fixture(autouse=True)
def _fetch_settings(settings):
    """Known limits whatever the environment says; private networks refused unless a test asks."""
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = False
    settings.FEEDS_FETCH_TIMEOUT = 10.0
    settings.FEEDS_FETCH_DEADLINE = 20.0
    settings.FEEDS_MAX_BYTES = 10 * MB
    settings.FEEDS_USER_AGENT = "Mediahub/1.0 (+https://mediahub.example/over/; feed reader)"


def get(url: str, **kwargs):
    """Fetch from the loopback test server, which the default policy rightly refuses."""
    kwargs.setdefault("allow_private", True)
    return fetch(url, **kwargs)


# --- politeness: conditional GET, identification -------------------------------------------


def test_200_then_304_sends_stored_validators_back(http_server):
    stamp = "Sat, 22 Nov 2025 08:00:00 GMT"

    def feed(req):
        if req.headers["If-None-Match"] == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        headers = {
            "Content-Type": "application/rss+xml; charset=utf-8",
            "ETag": '"v1"',
            "Last-Modified": stamp,
            "Cache-Control": "public, max-age=900",
        }
        return 200, headers, RSS

    http_server.route("/feed.xml", feed)
    first = get(http_server.url("/feed.xml"))
    assert first.status == 200
    assert first.content == RSS
    assert first.content_type == "application/rss+xml; charset=utf-8"
    assert (first.etag, first.last_modified, first.max_age) == ('"v1"', stamp, 900)
    assert first.url == http_server.url("/feed.xml")
    assert first.permanent_url is None
    assert first.bytes_read == len(RSS)
    assert 0 < first.elapsed < 5

    second = get(http_server.url("/feed.xml"), etag=first.etag, last_modified=first.last_modified)
    assert second.status == 304
    assert second.content == b""
    assert second.etag == '"v1"'
    assert second.last_modified == stamp  # not repeated by the server; what we sent still holds

    sent_first, sent_second = http_server.requests
    assert sent_first.headers["If-None-Match"] is None
    assert sent_first.headers["If-Modified-Since"] is None
    assert sent_second.headers["If-None-Match"] == '"v1"'
    assert sent_second.headers["If-Modified-Since"] == stamp


def test_identifies_itself_and_asks_for_feeds(http_server, settings):
    settings.FEEDS_USER_AGENT = "Mediahub/1.0 (+https://mediahub.example/over/; feed reader)"
    http_server.route("/feed.xml", body=RSS)
    get(http_server.url("/feed.xml"))
    get(http_server.url("/feed.xml"), accept="image/*")
    feed_request, image_request = http_server.requests
    assert feed_request.headers["User-Agent"] == settings.FEEDS_USER_AGENT
    assert "application/rss+xml" in feed_request.headers["Accept"]
    assert image_request.headers["Accept"] == "image/*"
    assert feed_request.headers["Accept-Encoding"] == "gzip, deflate"
    assert feed_request.headers["Host"] == f"127.0.0.1:{http_server.port}"


def test_path_and_query_are_sent_safely_encoded(http_server):
    http_server.route("/caf%C3%A9/feed", body=RSS)
    assert get(http_server.url("/café/feed?a=1 2")).content == RSS
    assert http_server.paths == ["/caf%C3%A9/feed?a=1%202"]


# --- redirects -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "permanent"), [(301, True), (308, True), (302, False), (303, False), (307, False)]
)
def test_redirect_sets_permanent_url_only_for_permanent_moves(http_server, code, permanent):
    http_server.route("/old", status=code, headers={"Location": "/new/feed.xml"})  # relative
    http_server.route("/new/feed.xml", body=RSS)
    result = get(http_server.url("/old"))
    assert result.content == RSS
    assert result.url == http_server.url("/new/feed.xml")
    assert result.permanent_url == (http_server.url("/new/feed.xml") if permanent else None)
    assert http_server.paths == ["/old", "/new/feed.xml"]


@pytest.mark.parametrize(("second", "permanent"), [(308, True), (302, False)])
def test_permanent_url_needs_every_hop_permanent(http_server, second, permanent):
    http_server.route("/a", status=301, headers={"Location": http_server.url("/b")})
    http_server.route("/b", status=second, headers={"Location": "c"})
    http_server.route("/c", body=RSS)
    result = get(http_server.url("/a"))
    assert result.url == http_server.url("/c")
    assert result.permanent_url == (result.url if permanent else None)


def test_redirect_loop_is_an_error_in_plain_words(http_server):
    http_server.route("/a", status=302, headers={"Location": "/b"})
    http_server.route("/b", status=302, headers={"Location": "/a"})
    with pytest.raises(FetchError, match="redirects in a loop") as caught:
        get(http_server.url("/a"))
    assert not isinstance(caught.value, UnsafeURL)
    assert http_server.paths == ["/a", "/b"]


def test_five_redirects_are_followed_but_not_six(http_server):
    for i in range(7):
        http_server.route(f"/r{i}", status=302, headers={"Location": f"/r{i + 1}"})
    http_server.route("/r5", body=RSS)  # r0 -> r5 is five redirects
    assert get(http_server.url("/r0")).url == http_server.url("/r5")

    http_server.route("/r5", status=302, headers={"Location": "/r6"})
    http_server.route("/r6", body=RSS)
    http_server.requests.clear()
    with pytest.raises(FetchError, match="Too many redirects"):
        get(http_server.url("/r0"))
    assert "/r6" not in http_server.paths
    assert len(http_server.paths) == 6


# --- HTTP errors ---------------------------------------------------------------------------


def test_410_means_gone(http_server):
    http_server.route("/feed.xml", status=410, body="gone")
    with pytest.raises(FetchError, match=r"The feed is gone \(HTTP 410") as caught:
        get(http_server.url("/feed.xml"))
    assert (caught.value.status, caught.value.gone, caught.value.retry_after) == (410, True, None)


@pytest.mark.parametrize(
    ("header", "expected"), [("120", 120), ("5", 60), ("9999999", 86400), ("soon", None)]
)
def test_429_retry_after_seconds_clamped(http_server, header, expected):
    http_server.route("/feed.xml", status=429, headers={"Retry-After": header})
    with pytest.raises(FetchError, match="slow down") as caught:
        get(http_server.url("/feed.xml"))
    assert (caught.value.status, caught.value.retry_after, caught.value.gone) == (
        429,
        expected,
        False,
    )


def test_429_retry_after_http_date(http_server):
    when = datetime.now(UTC) + timedelta(hours=1)
    header = email.utils.format_datetime(when, usegmt=True)
    http_server.route("/feed.xml", status=429, headers={"Retry-After": header})
    with pytest.raises(FetchError) as caught:
        get(http_server.url("/feed.xml"))
    assert 3590 <= caught.value.retry_after <= 3600


def test_503_with_and_without_retry_after(http_server):
    http_server.route("/a", status=503, headers={"Retry-After": "600"})
    http_server.route("/b", status=503)
    with pytest.raises(FetchError, match="temporarily unavailable") as caught:
        get(http_server.url("/a"))
    assert (caught.value.status, caught.value.retry_after) == (503, 600)
    with pytest.raises(FetchError) as caught:
        get(http_server.url("/b"))
    assert (caught.value.status, caught.value.retry_after) == (503, None)


@pytest.mark.parametrize(
    ("code", "words"), [(404, "not found"), (403, "refused"), (500, "problem")]
)
def test_other_errors_carry_the_status(http_server, code, words):
    http_server.route("/feed.xml", status=code)
    with pytest.raises(FetchError, match=words) as caught:
        get(http_server.url("/feed.xml"))
    assert (caught.value.status, caught.value.gone, caught.value.retry_after) == (code, False, None)


def test_connection_refused_is_a_plain_fetch_error():
    with socket.socket() as closed:  # bound but not listening: connections are refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
        with pytest.raises(FetchError, match="Could not connect") as caught:
            get(f"http://127.0.0.1:{port}/feed.xml")
    assert "connection refused" in str(caught.value)
    assert caught.value.status is None
    assert caught.value.__cause__ is not None


def test_body_cut_short_is_an_error(http_server):
    def short(req):
        h = req.handler
        h.send_response(200)
        h.send_header("Content-Length", "1000")
        h.end_headers()
        h.wfile.write(b"<rss>")
        h.close_connection = True

    http_server.route("/feed.xml", short)
    with pytest.raises(FetchError, match="broke off"):
        get(http_server.url("/feed.xml"))


# --- time and size limits ------------------------------------------------------------------


def _drip(req, data: bytes, interval: float = 0.25) -> None:
    server = req.handler.server.owner
    for byte in data:
        if not server.sleep(interval):
            return
        req.handler.wfile.write(bytes([byte]))
        req.handler.wfile.flush()


@pytest.mark.parametrize("phase", ["headers", "body"])
def test_slow_drip_is_cut_off_at_the_deadline(http_server, phase):
    """Each byte comes well within the 10 s read timeout; only the total deadline stops it.

    Left alone, either response would complete after about 5 seconds.
    """

    def slow(req):
        with contextlib.suppress(OSError):
            if phase == "headers":
                _drip(req, b"HTTP/1.1 200 OK\r\nX-Padding: " + b"." * 8)
                req.handler.wfile.write(b"\r\nContent-Length: 5\r\n\r\n<rss>")
            else:  # no Content-Length: the body ends when the connection closes
                req.handler.wfile.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n<rss>")
                _drip(req, b"<item/>" * 3)
        req.handler.close_connection = True

    http_server.route("/feed.xml", slow)
    started = time.monotonic()
    with pytest.raises(FetchError, match="too slow") as caught:
        get(http_server.url("/feed.xml"), deadline=1.5)
    assert time.monotonic() - started >= 1.4  # it waited for the deadline, not less
    assert caught.value.status is None


def _big_body(kind: str, size: int):
    def reply(req):
        h = req.handler
        h.close_connection = True
        try:
            if kind == "chunked":
                send_chunked(h, (b"x" * 65536 for _ in range(size // 65536)))
                return
            h.send_response(200)
            if kind == "declared":
                h.send_header("Content-Length", str(size))
            h.send_header("Connection", "close")
            h.end_headers()
            for _ in range(size // 65536):
                h.wfile.write(b"x" * 65536)
        except OSError:
            pass

    return reply


@pytest.mark.parametrize("kind", ["declared", "undeclared", "chunked"])
def test_oversized_body_is_aborted(http_server, kind):
    http_server.route("/feed.xml", _big_body(kind, 8 * MB))
    with pytest.raises(FetchError, match="too large"):
        get(http_server.url("/feed.xml"), max_bytes=1 * MB)


def test_content_length_that_understates_never_yields_more(http_server):
    def liar(req):
        h = req.handler
        h.send_response(200)
        h.send_header("Content-Length", "100")
        h.end_headers()
        with contextlib.suppress(OSError):
            h.wfile.write(b"y" * (4 * MB))
        h.close_connection = True

    http_server.route("/feed.xml", liar)
    result = get(http_server.url("/feed.xml"), max_bytes=1 * MB)
    assert result.content == b"y" * 100


def test_body_exactly_at_the_limit_is_accepted(http_server):
    http_server.route("/ok", body=b"z" * 1000)
    http_server.route("/over", body=b"z" * 1001)
    assert len(get(http_server.url("/ok"), max_bytes=1000).content) == 1000
    with pytest.raises(FetchError, match="too large"):
        get(http_server.url("/over"), max_bytes=1000)


def test_compressed_feed_is_unpacked(http_server):
    packed = gzip.compress(RSS * 50)
    deflated = zlib.compress(RSS * 50)
    http_server.route("/gz", body=packed, headers={"Content-Encoding": "gzip"})
    http_server.route("/deflate", body=deflated, headers={"Content-Encoding": "deflate"})
    result = get(http_server.url("/gz"))
    assert result.content == RSS * 50
    assert result.bytes_read == len(packed)
    assert get(http_server.url("/deflate")).content == RSS * 50


def _gzip_bomb(inflated_mb: int) -> bytes:
    """A valid gzip stream of zeros: ~1 KB per MB, built from one repeated deflate block."""
    zeros = bytes(MB)
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = packer.compress(zeros) + packer.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(inflated_mb):
        crc = zlib.crc32(zeros, crc)
    trailer = struct.pack("<II", crc, (inflated_mb * MB) & 0xFFFFFFFF)
    return b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff" + block * inflated_mb + b"\x03\x00" + trailer


def test_gzip_bomb_is_aborted_without_inflating_it(http_server):
    bomb = _gzip_bomb(1024)  # about 1 MB on the wire, 1 GB unpacked
    assert len(gzip.decompress(_gzip_bomb(3))) == 3 * MB  # the construction is valid gzip
    assert len(bomb) < 1.1 * MB
    http_server.route("/feed.xml", body=bomb, headers={"Content-Encoding": "gzip"})
    tracemalloc.start()
    try:
        with pytest.raises(FetchError, match="too large"):
            get(http_server.url("/feed.xml"))  # limit 10 MB from settings
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 40 * MB  # aborted while streaming: the gigabyte was never held


# --- SSRF policy ---------------------------------------------------------------------------

DISGUISED = ["127.1", "2130706433", "0x7f000001", "017700000001", "0177.0.0.1"]
ANY = "0.0.0.0"  # noqa: S104 - a host to refuse, nothing binds to it
LOOPBACK_FORMS = ["localhost", "127.0.0.1", "[::1]", "[::ffff:127.0.0.1]", "[::ffff:7f00:1]"]


@pytest.fixture
def loopback_pair(http_server_factory):
    """The same port on 127.0.0.1 and, where IPv6 works, ::1, so every loopback form lands."""
    for _ in range(20):
        v4 = http_server_factory("127.0.0.1")
        try:
            v6 = http_server_factory("::1", v4.port)
        except OSError:
            continue
        return v4, v6
    return v4, None


@pytest.mark.parametrize("host", [*LOOPBACK_FORMS, ANY, *DISGUISED])
def test_loopback_in_every_form_is_refused_before_any_request(loopback_pair, host):
    v4, v6 = loopback_pair
    url = f"http://{host}:{v4.port}/feed.xml"
    with pytest.raises(UnsafeURL):
        fetch(url)
    with pytest.raises(UnsafeURL):
        check_url(url)
    assert v4.requests == []
    assert v6 is None or v6.requests == []


@pytest.mark.parametrize("host", [*LOOPBACK_FORMS, ANY])
def test_those_forms_do_reach_the_server_when_private_networks_are_allowed(loopback_pair, host):
    """The control for the test above: the refusal, not the set-up, keeps the server quiet."""
    v4, v6 = loopback_pair
    if host == "[::1]" and v6 is None:
        pytest.skip("no IPv6 loopback here")
    for server in (v4, v6):
        if server:
            server.route("/feed.xml", body=RSS)
    assert fetch(f"http://{host}:{v4.port}/feed.xml", allow_private=True).content == RSS
    assert len(v4.requests) + len(v6.requests if v6 else []) == 1


@pytest.mark.parametrize("host", DISGUISED)
def test_disguised_literals_are_refused_even_when_private_networks_are_allowed(http_server, host):
    http_server.route("/feed.xml", body=RSS)
    url = f"http://{host}:{http_server.port}/feed.xml"
    with pytest.raises(UnsafeURL, match="disguised"):
        fetch(url, allow_private=True)
    assert http_server.requests == []

    # The danger is real: glibc's resolver, and so a naive client, turns these into 127.0.0.1.
    try:
        resolved = socket.getaddrinfo(host, 80, type=socket.SOCK_STREAM)[0][4][0]
    except OSError:
        resolved = None
    if resolved == "127.0.0.1":
        assert urllib3.PoolManager().request("GET", url).status == 200
        assert len(http_server.requests) == 1


@pytest.mark.parametrize(
    "address",
    [
        "10.0.0.1", "172.16.0.1", "172.31.255.254", "192.168.1.1", "100.64.0.1",
        "169.254.169.254", "127.0.0.1", ANY, "224.0.0.1", "239.255.255.250", "240.0.0.1",
        "255.255.255.255", "192.0.2.1", "198.18.0.1", "::1", "::", "fc00::1", "fd12:3456::1",
        "fe80::1", "fec0::1", "ff02::1", "::ffff:10.0.0.1", "::ffff:127.0.0.1",
        "64:ff9b::7f00:1", "64:ff9b::a00:1", "64:ff9b:1::1", "2002:7f00:1::1",
        "2002:a9fe:a9fe::1", "::127.0.0.1", "2001:db8::1", "2001::1",
    ],
)  # fmt: skip
def test_address_rule_refuses_non_global(address):
    ip = ipaddress.ip_address(address)
    assert not is_public_address(ip)
    with pytest.raises(UnsafeURL, match="private or reserved"):
        check_url(f"http://{address if ip.version == 4 else f'[{address}]'}/")


@pytest.mark.parametrize(
    "address", ["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "::ffff:8.8.8.8", "2002:808:808::1"]
)
def test_address_rule_allows_global(address):
    ip = ipaddress.ip_address(address)
    assert is_public_address(ip)
    assert check_url(f"http://{address if ip.version == 4 else f'[{address}]'}/feed") is None


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.org/feed.xml",
        "file:///etc/passwd",
        "gopher://example.org/",
        "javascript:alert(1)",
        "data:text/xml,<rss/>",
        "//example.org/feed.xml",
        "http:///feed.xml",
        "http://example.org:99999/",
        "http://[::1/",
    ],
)
def test_only_http_urls_with_a_host(url):
    with pytest.raises(UnsafeURL):
        check_url(url, allow_private=True)
    with pytest.raises(UnsafeURL):
        fetch(url, allow_private=True)


@pytest.mark.parametrize("userinfo", ["user:pass@", "user@", ":pass@"])
def test_credentials_in_url_are_refused_even_on_allowed_networks(http_server, userinfo):
    http_server.route("/feed.xml", body=RSS)
    with pytest.raises(UnsafeURL, match="user name or password"):
        fetch(f"http://{userinfo}127.0.0.1:{http_server.port}/feed.xml", allow_private=True)
    assert http_server.requests == []


def test_every_redirect_hop_is_checked_again(http_server_factory):
    a = http_server_factory("127.0.0.2")
    b = http_server_factory("127.0.0.3")
    a.route("/go", status=302, headers={"Location": b.url("/feed.xml")})
    b.route("/feed.xml", body=RSS)

    def only_a(ip):
        return ip == ipaddress.ip_address("127.0.0.2")

    with pytest.raises(UnsafeURL, match="127.0.0.3"):
        fetch(a.url("/go"), _address_allowed=only_a)
    assert a.paths == ["/go"]
    assert b.requests == []

    # Control: with both addresses allowed, the same chain does reach B.
    result = fetch(a.url("/go"), _address_allowed=lambda ip: ip.is_loopback)
    assert result.content == RSS
    assert b.paths == ["/feed.xml"]


@pytest.mark.parametrize(
    "location", ["ftp://example.org/feed.xml", "file:///etc/passwd", "http://u:p@127.0.0.1/"]
)
def test_redirect_to_a_refused_url_is_refused(http_server, location):
    http_server.route("/go", status=301, headers={"Location": location})
    with pytest.raises(UnsafeURL):
        get(http_server.url("/go"))
    assert http_server.paths == ["/go"]


def test_connects_to_the_checked_address_without_a_second_lookup(http_server, monkeypatch):
    """A rebinding name answers 127.0.0.1 first and a forbidden address after; only one counts."""
    http_server.route("/feed.xml", body=RSS)
    answers = iter(["127.0.0.1", "127.0.0.9"])
    looked_up = []
    real_getaddrinfo = socket.getaddrinfo

    def rebinding(host, port, *args, **kwargs):
        if host != "feeds.example":
            return real_getaddrinfo(host, port, *args, **kwargs)
        looked_up.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(socket, "getaddrinfo", rebinding)
    result = fetch(
        f"http://feeds.example:{http_server.port}/feed.xml",
        _address_allowed=lambda ip: str(ip) == "127.0.0.1",
    )
    assert result.content == RSS
    assert looked_up == ["feeds.example"]
    assert http_server.requests[0].headers["Host"] == f"feeds.example:{http_server.port}"


def test_name_that_does_not_resolve_is_a_plain_fetch_error(monkeypatch):
    def nowhere(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", nowhere)
    with pytest.raises(FetchError, match="Could not find the server 'feeds.example'") as caught:
        fetch("https://feeds.example/feed.xml")
    assert not isinstance(caught.value, UnsafeURL)
    assert isinstance(caught.value.__cause__, socket.gaierror)


def test_allow_private_comes_from_settings(http_server, settings):
    http_server.route("/feed.xml", body=RSS)
    url = http_server.url("/feed.xml")
    with pytest.raises(UnsafeURL):
        fetch(url)
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = True
    assert fetch(url).content == RSS
    check_url(url)
    with pytest.raises(UnsafeURL):
        fetch(url, allow_private=False)  # an explicit argument wins
    assert len(http_server.requests) == 1


def test_proxy_environment_is_ignored(http_server, http_server_factory, monkeypatch):
    proxy = http_server_factory()
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.setenv(name, proxy.base_url)
        monkeypatch.setenv(name.lower(), proxy.base_url)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    http_server.route("/feed.xml", body=RSS)

    assert get(http_server.url("/feed.xml")).content == RSS
    assert proxy.requests == []
    assert http_server.paths == ["/feed.xml"]

    # Control: a client that honours the environment does go through the proxy (an opener of
    # its own: urlopen's shared one would keep the proxy for every later test).
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.build_opener().open(http_server.url("/feed.xml"), timeout=5)
    assert proxy.paths == [http_server.url("/feed.xml")]


# --- TLS: the connection goes to the checked IP, the certificate is checked for the name ----


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    if not shutil.which("openssl"):
        pytest.skip("openssl is not installed")
    folder = tmp_path_factory.mktemp("tls")
    made = {}
    for name in ("feeds.example", "other.example"):
        cert, key = folder / f"{name}.pem", folder / f"{name}.key"
        subprocess.run(
            ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
             "-nodes", "-days", "2", "-subj", f"/CN={name}", "-addext",
             f"subjectAltName=DNS:{name}", "-addext", "basicConstraints=critical,CA:TRUE",
             "-keyout", str(key), "-out", str(cert)],
            check=True, capture_output=True,
        )  # fmt: skip
        made[name] = (str(cert), str(key))
    return made


@pytest.mark.parametrize(
    ("name", "trusted", "outcome"),
    [
        ("feeds.example", True, None),
        ("other.example", True, "not valid for 'other.example'"),
        ("feeds.example", False, r"secure \(https\) connection .* failed"),
    ],
)
def test_https_checks_the_certificate_for_the_name(
    http_server_factory, certificates, monkeypatch, tmp_path, name, trusted, outcome
):
    """Both names resolve to 127.0.0.1; the server holds the certificate for feeds.example."""
    server = http_server_factory(tls=certificates["feeds.example"])
    server.route("/feed.xml", body=RSS)
    bundle = tmp_path / "trusted.pem"
    if trusted:
        bundle.write_text("".join(Path(cert).read_text() for cert, _ in certificates.values()))
    else:
        bundle.write_text("")
    monkeypatch.setenv("SSL_CERT_FILE", str(bundle))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    real_getaddrinfo = socket.getaddrinfo

    def resolve(host, port, *args, **kwargs):
        host = "127.0.0.1" if host.endswith(".example") else host
        return real_getaddrinfo(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    url = f"https://{name}:{server.port}/feed.xml"
    if outcome is None:
        result = fetch(url, allow_private=True)
        assert result.content == RSS
        assert server.requests[0].headers["Host"] == f"feeds.example:{server.port}"
    else:
        with pytest.raises(FetchError, match=outcome) as caught:
            fetch(url, allow_private=True)
        assert caught.value.__cause__ is not None
        assert server.requests == []
