"""Feed thumbnails come into our own media in the background; a bad one never blocks a post."""

import io

import pytest
from PIL import Image as PILImage

from feeds.ingest import ingest_document
from feeds.tasks import enqueue_thumbnails
from muurkrant.models import Post
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db


def png(width: int = 64, height: int = 36) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def feed_with_thumbnails(*urls: str) -> bytes:
    items = "".join(
        f"<item><guid>{n}</guid><title>Bericht {n}</title>"
        f'<media:thumbnail url="{url}" width="64" height="36"/></item>'
        for n, url in enumerate(urls)
    )
    return (
        '<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel>'
        f"<title>T</title><link>https://omroep.example.nl/</link>{items}</channel></rss>"
    ).encode()


def test_thumbnails_are_downloaded_and_failures_leave_the_post(http_server, partner, settings):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = True
    settings.FEEDS_FETCH_THUMBNAILS = True
    http_server.route("/good.png", body=png(), headers={"Content-Type": "image/png"})
    http_server.route(
        "/fake.png", body=b"<svg onload=alert(1)>", headers={"Content-Type": "image/png"}
    )
    http_server.route("/missing.png", status=404)
    source = SourceFactory(partner=partner, url="https://omroep.example.nl/rss", trusted=True)
    summary = ingest_document(
        source,
        feed_with_thumbnails(
            http_server.url("/good.png"),
            http_server.url("/fake.png"),
            http_server.url("/missing.png"),
        ),
    )
    enqueue_thumbnails(summary.new_post_ids)  # runs in-process in tests
    posts = {post.title: post for post in Post.objects.all()}
    assert posts["Bericht 0"].image is not None
    assert posts["Bericht 0"].image.width == 64
    assert posts["Bericht 1"].image is None and posts["Bericht 2"].image is None
    assert all(post.status == Post.Status.PUBLISHED for post in posts.values())
    enqueue_thumbnails(summary.new_post_ids)  # idempotent: nothing fetched twice
    assert len(http_server.requests_to("/good.png")) == 1
