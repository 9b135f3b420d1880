"""Feeds out read back by feed readers: the same items, ids, links and media in every format."""

import json
import os
import shutil
import subprocess
from pathlib import Path

import feedparser
import pytest
from django.conf import settings
from django.core.cache import cache

from feeds.jsonfeed_out import VERSION
from feeds.syndication import item_id
from muurkrant.models import Post
from tests.factories import PostFactory
from tests.feeds.syndication_data import HOSTILE_TITLE, make_feed_posts
from tests.html_checks import assert_harmless

pytestmark = pytest.mark.django_db

READER = Path(__file__).resolve().parent / "js" / "read_feed.js"
PUBLISHED = {"status": Post.Status.PUBLISHED}
NODE_MODULES = Path(__file__).resolve().parents[2] / "node_modules" / "rss-parser"


@pytest.fixture
def posts(partner, other_partner):
    return make_feed_posts(partner, other_partner)


def ordered_posts(posts) -> list[Post]:
    return [posts["audio"], posts["video"], posts["article"]]


def expected(posts) -> list[tuple[str, str]]:
    return [
        (post.title, settings.SITE_URL + post.get_absolute_url()) for post in ordered_posts(posts)
    ]


def get(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, response.content[:300]
    return response.content


@pytest.mark.parametrize("fmt", ["rss", "atom"])
def test_feedparser_reads_the_same_items(client, posts, fmt):
    parsed = feedparser.parse(get(client, f"/feeds/wall.{fmt}"))
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert [(e.title, e.link) for e in parsed.entries] == expected(posts)
    assert [e.id for e in parsed.entries] == [item_id(p.pk) for p in ordered_posts(posts)]
    audio, video, article = parsed.entries
    assert audio.enclosures[0].href == "https://radio.example/aflevering-1.mp3"
    assert audio.enclosures[0].type == "audio/mpeg"
    assert video.enclosures[0].href == "https://peertube.example/static/abc.mp4"
    assert video.media_thumbnail[0]["url"].startswith(settings.SITE_URL + "/media/")
    assert video.media_content[0]["medium"] == "video"
    assert {tag.term for tag in article.tags} == {"verkeer", "Fietsen"}
    assert article.author == "RTV Test"
    assert any(link.get("rel") == "related" for link in article.links)
    assert parsed.feed.links[-1]["rel"] in {"self", "alternate"}
    assert any(link["rel"] == "self" for link in parsed.feed.links)


def test_rss_is_valid_rss_2(client, posts):
    body = get(client, "/feeds/wall.rss").decode()
    assert '<atom:link href="http://127.0.0.1:8000/feeds/wall.rss" rel="self"/>' in body
    assert 'isPermaLink="false"' in body
    assert 'length="7654321"' in body
    parsed = feedparser.parse(body)
    # RFC 822 dates: feedparser reads them back to the same instant.
    assert parsed.entries[0].published_parsed[:5] == posts["audio"].published_at.utctimetuple()[:5]
    assert "<rel" not in body and 'href="/' not in body and 'url="/' not in body


def test_atom_has_ids_updated_authors_and_self(client, posts):
    body = get(client, "/feeds/wall.atom").decode()
    parsed = feedparser.parse(body)
    assert parsed.feed.id and parsed.feed.updated
    assert all(entry.updated and entry.author for entry in parsed.entries)
    assert '<link href="http://127.0.0.1:8000/feeds/wall.atom" rel="self"' in body
    assert 'xmlns:media="http://search.yahoo.com/mrss/"' in body


def test_json_feed_has_the_required_fields(client, posts):
    feed = json.loads(get(client, "/feeds/wall.json"))
    assert_json_feed_1_1(feed)
    assert [(i["title"], i["url"]) for i in feed["items"]] == expected(posts)
    audio, video, article = feed["items"]
    assert audio["attachments"] == [
        {
            "url": "https://radio.example/aflevering-1.mp3",
            "mime_type": "audio/mpeg",
            "size_in_bytes": 7654321,
            "duration_in_seconds": 1800,
        }
    ]
    assert video["attachments"][0]["mime_type"] == "video/mp4"
    assert video["image"].startswith(settings.SITE_URL + "/media/")
    assert article["external_url"] == "https://rtv-test.example/origineel"
    partner_url = settings.SITE_URL + "/partners/rtv-test/"
    assert article["authors"] == [{"name": "RTV Test", "url": partner_url}]
    assert sorted(article["tags"]) == ["Fietsen", "verkeer"]


def assert_json_feed_1_1(feed: dict) -> None:
    """JSON Feed 1.1's rules: version and title required; items with a string id and content."""
    assert feed["version"] == VERSION
    assert isinstance(feed["title"], str) and feed["title"]
    for key in ("home_page_url", "feed_url"):
        assert feed[key].startswith(("http://", "https://"))
    assert isinstance(feed["items"], list)
    ids = [item["id"] for item in feed["items"]]
    assert len(ids) == len(set(ids))
    for item in feed["items"]:
        assert isinstance(item["id"], str) and item["id"]
        assert "content_html" in item or "content_text" in item
        for attachment in item.get("attachments", []):
            assert attachment["url"] and attachment["mime_type"]
        for key in ("date_published", "date_modified"):
            assert "T" in item[key] and item[key][-6] in "+-"
        for author in item.get("authors", []):
            assert author.get("name") or author.get("url")
    for key in feed:
        assert key in JSON_FEED_TOP or key.startswith("_"), key


JSON_FEED_TOP = {
    "version",
    "title",
    "home_page_url",
    "feed_url",
    "description",
    "user_comment",
    "next_url",
    "icon",
    "favicon",
    "authors",
    "language",
    "expired",
    "hubs",
    "items",
}


def test_partner_audio_feed_is_a_podcast(client, posts):
    body = get(client, "/feeds/partners/radio-elders.rss")
    parsed = feedparser.parse(body)
    assert parsed.bozo == 0
    assert b'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"' in body
    assert b"<itunes:explicit>false</itunes:explicit>" in body
    assert parsed.feed.author == "Radio Elders"
    assert parsed.feed.image.href.endswith(".png")
    assert parsed.feed.tags[0].term == "News"
    (episode,) = parsed.entries
    assert episode.itunes_duration == "1800"
    assert episode.enclosures[0].length == "7654321"
    # The wall filtered to audio is a podcast as well; articles make a plain feed.
    assert b"itunes:author" in get(client, "/feeds/wall.rss?kind=audio")
    assert b"itunes:" not in get(client, "/feeds/partners/rtv-test.rss")


@pytest.mark.parametrize("url", ["/feeds/wall.rss", "/feeds/wall.atom", "/feeds/wall.json"])
def test_hostile_content_is_never_executable(client, posts, url):
    body = get(client, url)
    if url.endswith(".json"):
        items = json.loads(body)["items"]
        html_parts = [item.get("content_html", "") for item in items]
        assert items[-1]["title"] == HOSTILE_TITLE  # plain text stays plain text
    else:
        parsed = feedparser.parse(body, sanitize_html=False)
        entries = parsed.entries
        html_parts = [e.get("content", [{"value": ""}])[0]["value"] for e in entries]
        html_parts += [e.summary for e in entries]
        assert entries[-1].title == HOSTILE_TITLE
        assert b"<script" not in body  # XML-escaped wherever it appears
    for html in html_parts:
        assert_harmless(html)
    assert "Hallo" in html_parts[2] or "Hallo" in "".join(html_parts)


def test_feed_rendering_has_no_n_plus_one(client, posts, partner, django_assert_max_num_queries):
    for n in range(10):
        post = PostFactory(
            partner=partner, title=f"Extra {n}", image=posts["article"].image, **PUBLISHED
        )
        post.tags.add(f"onderwerp-{n}")
    for fmt in ("rss", "atom", "json"):
        client.get(f"/feeds/wall.{fmt}")  # renditions are made once, on the first render
        cache.clear()
        # one of them reads the translations of the site root page, for Wagtail's site roots
        with django_assert_max_num_queries(6):
            assert client.get(f"/feeds/wall.{fmt}").status_code == 200


def read_with_node(body: bytes) -> dict:
    if not NODE_MODULES.exists() or shutil.which("node") is None:
        message = "rss-parser is not installed in node_modules (run `make install` or `npm ci`)"
        if os.environ.get("REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)
    done = subprocess.run(
        ["node", str(READER)], input=body, capture_output=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr.decode()
    return json.loads(done.stdout)


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/wall.rss",
        "/feeds/wall.atom",
        "/feeds/wall.json",
        "/feeds/partners/radio-elders.rss",
        "/feeds/partners/rtv-test.atom",
    ],
)
def test_an_independent_reader_agrees(client, posts, url):
    body = get(client, url)
    theirs = read_with_node(body)
    ours = feedparser.parse(body).entries if not url.endswith(".json") else None
    if ours is None:
        items = json.loads(body)["items"]
        ours_rows = [(i["title"], i["url"], i["id"]) for i in items]
        enclosures = [i["attachments"][0]["url"] if "attachments" in i else None for i in items]
    else:
        ours_rows = [(e.title, e.link, e.id) for e in ours]
        enclosures = [e.enclosures[0].href if e.get("enclosures") else None for e in ours]
    assert [(i["title"], i["link"], i["guid"]) for i in theirs["items"]] == ours_rows
    assert [i["enclosure"] for i in theirs["items"]] == enclosures
    assert any(enclosures)
