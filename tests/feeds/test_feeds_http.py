"""Feeds over HTTP: types, 304s, HEAD, CORS, caching, filters, limit, invalidation, WebSub."""

import json

import pytest
from django.core.cache import cache
from django.utils.http import http_date

from muurkrant.models import ModerationSettings, Post
from muurkrant.moderation import record_report
from muurkrant.signals import posts_changed
from tests.factories import PostFactory, SourceFactory
from tests.feeds.syndication_data import make_feed_posts

pytestmark = pytest.mark.django_db

FEEDS = {
    "/feeds/wall.rss": "application/rss+xml; charset=utf-8",
    "/feeds/wall.atom": "application/atom+xml; charset=utf-8",
    "/feeds/wall.json": "application/feed+json; charset=utf-8",
    "/feeds/partners/rtv-test.rss": "application/rss+xml; charset=utf-8",
    "/feeds/partners/rtv-test.atom": "application/atom+xml; charset=utf-8",
    "/feeds/partners/rtv-test.json": "application/feed+json; charset=utf-8",
}


@pytest.fixture
def posts(partner, other_partner):
    return make_feed_posts(partner, other_partner)


def item_titles(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code == 200, response.content
    return [item["title"] for item in json.loads(response.content)["items"]]


@pytest.mark.parametrize("url", FEEDS)
def test_headers_of_every_feed(client, posts, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == FEEDS[url]
    assert response["Cache-Control"] == "public, max-age=300"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    assert "Set-Cookie" not in response


@pytest.mark.parametrize("url", FEEDS)
def test_304_with_etag_and_with_if_modified_since(client, posts, url):
    first = client.get(url)
    again = client.get(url, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    since = client.get(url, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304
    stale = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200


def test_warm_304_needs_no_database(client, posts, django_assert_num_queries):
    etag = client.get("/feeds/wall.rss")["ETag"]
    with django_assert_num_queries(0):
        assert client.get("/feeds/wall.rss", headers={"If-None-Match": etag}).status_code == 304
        assert client.get("/feeds/wall.rss").status_code == 200


def test_old_if_modified_since_gets_the_body(client, posts):
    response = client.get("/feeds/wall.atom", headers={"If-Modified-Since": http_date(0)})
    assert response.status_code == 200


def test_head_has_headers_and_no_body(client, posts):
    response = client.head("/feeds/wall.json")
    assert response.status_code == 200
    assert response["Content-Type"] == FEEDS["/feeds/wall.json"]
    assert response["ETag"]
    assert response.content == b""
    assert client.post("/feeds/wall.json").status_code == 405


def test_filters_narrow_the_feed(client, posts):
    assert item_titles(client, "/feeds/wall.json?kind=video") == ["Video van de markt"]
    assert item_titles(client, "/feeds/wall.json?partner=radio-elders") == ["Podcast aflevering 1"]
    assert item_titles(client, "/feeds/wall.json?tag=verkeer") == [posts["article"].title]
    assert item_titles(client, "/feeds/wall.json?wijk=centrum") == [posts["article"].title]
    assert item_titles(client, "/feeds/wall.json?q=markt") == ["Video van de markt"]
    assert len(item_titles(client, "/feeds/wall.json")) == 3


def test_filtered_feed_says_so_and_links_back(client, posts):
    feed = json.loads(client.get("/feeds/wall.json?kind=video&wijk=nergens").content)
    assert feed["title"] == "Muurkrant: Video"
    assert feed["feed_url"] == "http://127.0.0.1:8000/feeds/wall.json?wijk=nergens&kind=video"
    assert feed["home_page_url"] == "http://127.0.0.1:8000/muurkrant/?kind=video"


def test_partner_feed_and_unknown_partner(client, posts, partner):
    assert item_titles(client, "/feeds/partners/rtv-test.json") == [
        "Video van de markt",
        posts["article"].title,
    ]
    assert item_titles(client, "/feeds/partners/rtv-test.json?kind=article") == [
        posts["article"].title
    ]
    assert client.get("/feeds/partners/onbekend.rss").status_code == 404
    partner.active = False
    partner.save()
    assert client.get("/feeds/partners/rtv-test.atom").status_code == 404


def test_limit(client, partner):
    for n in range(60):
        PostFactory(partner=partner, title=f"Bericht {n}", status=Post.Status.PUBLISHED)
    assert len(item_titles(client, "/feeds/wall.json")) == 50
    assert len(item_titles(client, "/feeds/wall.json?limit=5")) == 5
    assert len(item_titles(client, "/feeds/wall.json?limit=200")) == 60
    for bad in ("0", "201", "-1", "vijf", "1.5"):
        response = client.get(f"/feeds/wall.rss?limit={bad}", headers={"Accept-Language": "en"})
        assert response.status_code == 400
        assert response.content.decode() == "limit must be a whole number from 1 to 200."
    dutch = client.get("/feeds/wall.rss?limit=0", headers={"Accept-Language": "nl"})
    assert dutch.content.decode() == "limit moet een geheel getal van 1 tot en met 200 zijn."


def test_publishing_and_hiding_change_the_feed_and_its_etag(client, posts, partner):
    first = client.get("/feeds/wall.json")
    post = PostFactory(partner=partner, title="Vers", status=Post.Status.PENDING)
    unchanged = client.get("/feeds/wall.json", headers={"If-None-Match": first["ETag"]})
    assert unchanged.status_code == 304
    post.status = Post.Status.PUBLISHED
    post.save()
    published = client.get("/feeds/wall.json", headers={"If-None-Match": first["ETag"]})
    assert published.status_code == 200
    assert json.loads(published.content)["items"][0]["title"] == "Vers"
    post.status = Post.Status.HIDDEN
    post.save()
    hidden = client.get("/feeds/wall.json")
    assert "Vers" not in [item["title"] for item in json.loads(hidden.content)["items"]]
    assert hidden["ETag"] == first["ETag"]  # the same posts again: the same validator
    post.delete()
    assert client.get("/feeds/wall.json")["ETag"] == first["ETag"]


def test_bulk_writes_invalidate_through_posts_changed(client, posts):
    before = client.get("/feeds/wall.json")
    Post.objects.filter(pk=posts["video"].pk).update(status=Post.Status.HIDDEN)
    posts_changed.send(Post, partner_ids=[posts["video"].partner_id])
    after = client.get("/feeds/wall.json")
    assert after["ETag"] != before["ETag"]
    assert "Video van de markt" not in after.content.decode()


def test_a_post_hidden_by_reports_leaves_the_cached_feed(client, posts):
    """Moderation hides it with a queryset update: its own signal must reach the feeds."""
    ModerationSettings.objects.update_or_create(defaults={"report_threshold": 1})
    assert "Video van de markt" in item_titles(client, "/feeds/wall.json")
    record_report(posts["video"], "spam", "", "f" * 64)
    assert posts["video"].status == Post.Status.HIDDEN
    assert "Video van de markt" not in item_titles(client, "/feeds/wall.json")


def test_websub_hub_is_announced_and_pinged(
    client, posts, settings, http_server, django_capture_on_commit_callbacks
):
    http_server.route("/hub", status=204)
    settings.WEBSUB_HUB = http_server.url("/hub")
    cache.clear()
    assert (
        f'<atom:link href="{settings.WEBSUB_HUB}" rel="hub"/>'
        in client.get("/feeds/wall.rss").content.decode()
    )
    assert (
        f'<link href="{settings.WEBSUB_HUB}" rel="hub"'
        in client.get("/feeds/wall.atom").content.decode()
    )
    assert json.loads(client.get("/feeds/wall.json").content)["hubs"] == [
        {"type": "WebSub", "url": settings.WEBSUB_HUB}
    ]
    posts["video"].title = "Video van de markt, bijgewerkt"
    with django_capture_on_commit_callbacks(execute=True):
        posts["video"].save()  # the ping is enqueued on commit; tasks run at once in tests
    bodies = sorted(request.body.decode() for request in http_server.requests)
    assert "hub.mode=publish&hub.url=http%3A%2F%2F127.0.0.1%3A8000%2Ffeeds%2Fwall.rss" in bodies
    assert any("partners%2Frtv-test.json" in body for body in bodies)
    assert all(request.method == "POST" for request in http_server.requests)


def test_no_hub_no_ping(client, posts, http_server, settings, django_capture_on_commit_callbacks):
    settings.WEBSUB_HUB = ""
    with django_capture_on_commit_callbacks(execute=True):
        posts["video"].save()
    assert http_server.requests == []
    assert b'rel="hub"' not in client.get("/feeds/wall.atom").content


def test_opml_lists_only_active_sources(client, partner, other_partner):
    SourceFactory(partner=partner, url="https://a.example/feed", title="Actief")
    SourceFactory(partner=partner, url="https://b.example/feed", active=False)
    other_partner.active = False
    other_partner.save()
    SourceFactory(partner=other_partner, url="https://c.example/feed")
    response = client.get("/feeds/sources.opml")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/x-opml; charset=utf-8"
    assert response["Access-Control-Allow-Origin"] == "*"
    body = response.content.decode()
    assert 'xmlUrl="https://a.example/feed"' in body
    assert "b.example" not in body and "c.example" not in body
