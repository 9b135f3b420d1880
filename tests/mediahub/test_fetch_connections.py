"""The safe client within a fetch cycle: connections kept alive per host and address, still
vetted on every fetch, and one watchdog thread however many fetches run."""

import threading

import pytest

from mediahub.fetch import UnsafeURL, fetch

RSS = b'<?xml version="1.0"?><rss version="2.0"><channel><title>Nieuws</title></channel></rss>'


@pytest.fixture(autouse=True)
def _fetch_settings(settings):
    settings.FEEDS_FETCH_TIMEOUT = 10.0
    settings.FEEDS_FETCH_DEADLINE = 20.0


def test_fetches_of_one_host_share_a_kept_alive_connection(http_server):
    http_server.route("/a.xml", body=RSS)
    http_server.route("/b.xml", status=304, headers={"ETag": '"1"'})
    for path in ("/a.xml", "/b.xml", "/a.xml"):
        fetch(http_server.url(path), etag='"1"', allow_private=True)
    assert len({request.client for request in http_server.requests}) == 1
    assert "close" not in [r.headers.get("Connection") for r in http_server.requests]


def test_a_kept_connection_is_not_used_for_an_address_no_longer_allowed(http_server):
    http_server.route("/feed.xml", body=RSS)
    fetch(http_server.url("/feed.xml"), allow_private=True)
    with pytest.raises(UnsafeURL):
        fetch(http_server.url("/feed.xml"), allow_private=False)
    assert len(http_server.requests) == 1


def test_a_connection_the_server_closed_is_replaced(http_server):
    def reply_then_hang_up(request):
        request.handler.close_connection = True  # without saying so in a header
        return 200, {}, RSS

    http_server.route("/feed.xml", reply_then_hang_up)
    for _ in range(3):
        assert fetch(http_server.url("/feed.xml"), allow_private=True).content == RSS
    assert len({request.client for request in http_server.requests}) == 3


def test_a_connection_that_asked_to_close_is_not_kept(http_server):
    http_server.route("/feed.xml", body=RSS, headers={"Connection": "close"})
    for _ in range(2):
        fetch(http_server.url("/feed.xml"), allow_private=True)
    assert len({request.client for request in http_server.requests}) == 2


def test_fetches_start_no_thread_of_their_own(http_server):
    """Threads alive while the server answers, other than the server's: the watchdog only."""
    seen: set[int] = set()
    before = {thread.ident for thread in threading.enumerate()}

    def reply(request):
        seen.update(
            thread.ident
            for thread in threading.enumerate()
            if "process_request_thread" not in thread.name and thread.ident not in before
        )
        return 200, {}, RSS

    http_server.route("/feed.xml", reply)
    for _ in range(5):
        fetch(http_server.url("/feed.xml"), allow_private=True)
    assert len(seen) <= 1
