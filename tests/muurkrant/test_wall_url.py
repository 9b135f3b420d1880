"""The wall's address comes from the page tree: an editor renames it and every link follows."""

import io
import json
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import feedparser
import pytest
from django.conf import settings
from django.core.management import call_command

from muurkrant.models import WallPage
from tests.feeds.syndication_data import make_feed_posts

pytestmark = pytest.mark.django_db

SITE = settings.SITE_URL
FEEDS = ["/feeds/wall.rss", "/feeds/wall.atom", "/feeds/wall.json"]


@pytest.fixture
def posts(partner, other_partner):
    return make_feed_posts(partner, other_partner)


@pytest.fixture
def rename_wall(django_capture_on_commit_callbacks):
    """As an editor does it in the admin: change the slug and publish the revision (committed)."""

    def rename(slug: str = "nieuws") -> WallPage:
        wall = WallPage.objects.get(locale__language_code="nl")
        wall.slug = slug
        with django_capture_on_commit_callbacks(execute=True):
            wall.save_revision().publish()
        return wall

    return rename


def feed_items(client, url: str) -> list[tuple[str, str]]:
    """(id, link) of every item, read as a feed reader reads them."""
    response = client.get(url)
    assert response.status_code == 200
    if url.endswith(".json"):
        return [(item["id"], item["url"]) for item in json.loads(response.content)["items"]]
    return [(entry.id, entry.link) for entry in feedparser.parse(response.content).entries]


def feed_home(client, url: str) -> str:
    response = client.get(url)
    if url.endswith(".json"):
        return json.loads(response.content)["home_page_url"]
    return feedparser.parse(response.content).feed.link


def test_post_urls_follow_the_walls_slug(posts, rename_wall):
    article = posts["article"]
    assert article.get_absolute_url() == f"/muurkrant/{article.pk}-{article.slug}/"
    assert article.get_report_url() == f"/muurkrant/{article.pk}-{article.slug}/melden/"
    rename_wall()
    assert article.get_absolute_url() == f"/nieuws/{article.pk}-{article.slug}/"
    assert article.get_report_url() == f"/nieuws/{article.pk}-{article.slug}/melden/"


def test_renaming_the_wall_keeps_every_page_feed_widget_and_screen_working(
    client, posts, rename_wall
):
    video = posts["video"]
    ids_before = {url: [item_id for item_id, _link in feed_items(client, url)] for url in FEEDS}
    client.get("/sitemap.xml")  # cached, like the feeds: the rename must make both stale

    rename_wall()

    wall = client.get("/nieuws/")
    assert wall.status_code == 200
    assert 'href="/nieuws/" aria-current="page"' in wall.text
    page = client.get(f"/nieuws/{video.pk}-{video.slug}/")
    assert page.status_code == 200
    assert f'href="/nieuws/{video.pk}-{video.slug}/melden/"' in page.text
    assert client.get(f"/nieuws/{video.pk}-{video.slug}/melden/").status_code == 200
    assert client.get(f"/nieuws/{video.pk}/").status_code == 301

    for url in FEEDS:
        items = feed_items(client, url)
        assert [item_id for item_id, _link in items] == ids_before[url]
        assert all(link.startswith(f"{SITE}/nieuws/") for _id, link in items), items
        assert feed_home(client, url) == f"{SITE}/nieuws/"

    embed = client.get("/embed/wall/?kind=video").text
    assert f'href="/nieuws/{video.pk}-{video.slug}/"' in embed
    assert 'href="/nieuws/?kind=video"' in embed
    assert "/muurkrant/" not in embed

    screen_feed = json.loads(client.get("/feeds/wall.json?kind=video").content)
    assert screen_feed["items"][0]["url"] == f"{SITE}/nieuws/{video.pk}-{video.slug}/"
    assert "/muurkrant/" not in client.get("/scherm/").text

    assert 'href="/nieuws/"' in client.get("/").text
    partner_page = client.get("/partners/rtv-test/").text
    assert 'href="/nieuws/?partner=rtv-test"' in partner_page
    assert f'href="/nieuws/{video.pk}-{video.slug}/"' in partner_page

    sitemap = ET.fromstring(client.get("/sitemap.xml").content)  # noqa: S314 - our own output
    locations = [
        loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    ]
    assert f"{SITE}/nieuws/" in locations
    assert f"{SITE}/nieuws/{video.pk}-{video.slug}/" in locations
    assert not [loc for loc in locations if "/muurkrant/" in loc]


def test_the_api_gives_the_renamed_url(client, partner, posts, rename_wall):
    out = io.StringIO()
    call_command("create_api_token", "--partner", partner.slug, stdout=out)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {out.getvalue().strip().splitlines()[-1]}"}
    rename_wall()
    for endpoint in ("/api/v1/posts", "/api/v1/pool"):
        items = client.get(endpoint, **headers).json()["items"]
        assert items
        assert all(urlsplit(item["url"]).path.startswith("/nieuws/") for item in items)


def test_feed_ids_survive_a_title_edit(client, posts):
    article = posts["article"]
    before = dict(feed_items(client, "/feeds/wall.json"))
    article.title = "Een heel andere kop"
    article.save()
    after = dict(feed_items(client, "/feeds/wall.json"))
    assert set(after) == set(before)
    old_link = next(link for item_id, link in before.items() if f"/{article.pk}-" in link)
    new_link = next(link for item_id, link in after.items() if f"/{article.pk}-" in link)
    assert old_link != new_link
    assert new_link == SITE + article.get_absolute_url()


def test_feed_ids_are_tag_uris_without_the_walls_path(client, posts):
    host = urlsplit(SITE).hostname
    article = posts["article"]
    for url in FEEDS:
        ids = [item_id for item_id, _link in feed_items(client, url)]
        assert f"tag:{host},2026:post:{article.pk}" in ids
        assert not [item_id for item_id in ids if "muurkrant" in item_id]
    assert 'isPermaLink="false"' in client.get("/feeds/wall.rss").text


def test_old_wall_addresses_redirect_to_the_new_ones(client, posts, rename_wall):
    video = posts["video"]
    rename_wall()
    cases = {
        "/muurkrant/": "/nieuws/",
        "/muurkrant/?kind=video": "/nieuws/?kind=video",
        f"/muurkrant/{video.pk}-{video.slug}/": f"/nieuws/{video.pk}-{video.slug}/",
        f"/muurkrant/{video.pk}-{video.slug}/melden/": f"/nieuws/{video.pk}-{video.slug}/melden/",
    }
    for old, new in cases.items():
        response = client.get(old)
        assert (response.status_code, response["Location"]) == (301, new), old
    rename_wall("berichten")
    old = f"/muurkrant/{video.pk}-{video.slug}/"
    assert client.get(old)["Location"] == f"/berichten/{video.pk}-{video.slug}/"
    assert client.get("/nergens/1-x/").status_code == 404
    rename_wall("muurkrant")  # back again: the old path is the wall's own, no redirect loop
    assert client.get(old).status_code == 200
    assert client.get("/muurkrant/999999-weg/").status_code == 404
    assert client.get(f"/nieuws/{video.pk}-{video.slug}/")["Location"] == old


def test_a_warm_wall_url_costs_no_query(client, posts, django_assert_num_queries):
    client.get("/muurkrant/")
    with django_assert_num_queries(0):
        urls = {post.get_absolute_url() for post in posts.values()}
    assert all(url.startswith("/muurkrant/") for url in urls)


def test_a_cold_wall_url_costs_one_query_per_request(posts, django_assert_max_num_queries):
    # the wall page, and the site roots Wagtail caches (the sites, then their root's translations)
    with django_assert_max_num_queries(3):
        for post in posts.values():
            post.get_absolute_url()


def test_the_nav_link_marks_the_wall_as_current_only_there(client, posts):
    assert 'href="/muurkrant/" aria-current="page"' in client.get("/muurkrant/").text
    home = client.get("/").text
    assert 'href="/muurkrant/"' in home
    assert 'href="/muurkrant/" aria-current' not in home


def test_no_wall_path_is_written_in_the_code():
    """The slug lives in the page tree; code and templates ask it (the data creating it aside)."""
    root = settings.BASE_DIR
    offenders = []
    pattern = re.compile(r"[\"'/]muurkrant/(?![a-z_/]*\.(html|txt|py|js|css)\b)")
    for folder in ("mediahub", "muurkrant", "feeds", "templates"):
        for path in (root / folder).rglob("*"):
            if path.suffix not in {".py", ".html", ".txt", ".js"} or "migrations" in path.parts:
                continue
            if path == root / "muurkrant" / "pages.py":  # the data that creates the wall
                continue
            for number, line in enumerate(path.read_text().splitlines(), 1):
                if pattern.search(line):
                    offenders.append(f"{path.relative_to(root)}:{number}: {line.strip()}")
    assert offenders == []
