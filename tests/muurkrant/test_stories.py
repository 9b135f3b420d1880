"""One story, many sources: posts about one event are grouped, shown once, and kept apart
when they only look alike."""

import json
from datetime import timedelta

import feedparser
import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from feeds.tasks import refresh
from muurkrant.models import Post, Story
from tests.admin_scoping import refused
from tests.factories import PartnerFactory, SourceFactory
from tests.feeds.conftest import LocalHTTPServer
from tests.feeds.documents import rss

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=0)

BRAND_STADSOOG = {
    "title": "Uitslaande brand in woning aan de Kerkstraat",
    "summary": (
        "Bij een uitslaande brand in een woning aan de Kerkstraat in Oost is dinsdagavond "
        "niemand gewond geraakt. De brandweer was met drie wagens ter plaatse en had het vuur "
        "na een uur onder controle. De bewoners zijn opgevangen door buren."
    ),
}
BRAND_RIVIERSTAD = {
    "title": "Brandweer blust woningbrand in de Kerkstraat",
    "summary": (
        "De brandweer heeft dinsdagavond een brand in een woning aan de Kerkstraat geblust. "
        "Er raakte niemand gewond. De bewoners worden voorlopig door buren opgevangen, meldt "
        "de gemeente."
    ),
}
ZWEMBAD_STADSOOG = {
    "title": "Gemeenteraad stemt in met nieuw zwembad in Noord",
    "summary": (
        "De gemeenteraad heeft donderdagavond ingestemd met de bouw van een nieuw zwembad in "
        "Noord. Het bad moet in 2028 open gaan en kost ruim 20 miljoen euro."
    ),
}
ZWEMBAD_RIVIERSTAD = {
    "title": "Noord krijgt nieuw zwembad: raad zegt ja",
    "summary": (
        "Een ruime meerderheid van de gemeenteraad stemde donderdag voor het nieuwe zwembad in "
        "Noord. De bouw van het bad van ruim 20 miljoen euro begint volgend jaar; in 2028 "
        "moet het open."
    ),
}


@pytest.fixture
def rivierstad(db):
    return PartnerFactory(name="Radio Rivierstad", slug="rivierstad", trusted=True)


@pytest.fixture
def http_server():
    """A real HTTP server on loopback serving the feeds (as in the feed tests)."""
    server = LocalHTTPServer()
    yield server
    server.stop()


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


def story_of(post: Post) -> int | None:
    post.refresh_from_db()
    return post.story_id


def cards(response) -> list[Post]:
    found = response.context["slice"]
    return [*found.pinned, *found.posts]


@pytest.mark.parametrize(
    ("first", "second"),
    [(BRAND_STADSOOG, BRAND_RIVIERSTAD), (ZWEMBAD_STADSOOG, ZWEMBAD_RIVIERSTAD)],
    ids=["brand", "raadsbesluit"],
)
def test_two_broadcasters_reporting_one_event_make_one_story(make_post, rivierstad, first, second):
    one = make_post(**first, published_at=NOW - timedelta(hours=3))
    other = make_post(**second, partner=rivierstad, published_at=NOW)

    assert story_of(one) is not None
    assert story_of(one) == story_of(other)


def test_near_duplicates_in_one_feed_batch_are_grouped(http_server, partner, rivierstad, settings):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = True
    http_server.route("/brand.xml", body=_feed(BRAND_STADSOOG, "stadsoog"))
    http_server.route("/ook.xml", body=_feed(BRAND_RIVIERSTAD, "rivierstad"))
    refresh(SourceFactory(partner=partner, url=http_server.url("/brand.xml")))
    refresh(SourceFactory(partner=rivierstad, url=http_server.url("/ook.xml")))

    stories = set(Post.objects.values_list("story_id", flat=True))
    assert len(stories) == 1 and None not in stories


def _feed(item: dict, host: str) -> bytes:
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>t</title>"
        f"<link>https://{host}.example.nl/</link><item><guid>{host}-1</guid>"
        f"<title>{item['title']}</title><link>https://{host}.example.nl/nieuws/brand</link>"
        f"<description>{item['summary']}</description>"
        "<pubDate>Tue, 03 Nov 2026 21:00:00 +0100</pubDate></item></channel></rss>"
    ).encode()


def test_the_same_feed_under_two_addresses_is_on_the_wall_once(
    http_server, partner, client, settings
):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = True
    document = rss(("a", "Markt gaat open"), ("b", "Wegwerkzaamheden"), ("c", "Concert"))
    http_server.route("/feed.xml", body=document)
    http_server.route("/rss/", body=document)
    refresh(SourceFactory(partner=partner, url=http_server.url("/feed.xml"), trusted=True))
    refresh(SourceFactory(partner=partner, url=http_server.url("/rss/"), trusted=True))

    assert Post.objects.count() == 6
    shown = [post.title for post in cards(client.get("/muurkrant/"))]
    assert sorted(shown) == ["Concert", "Markt gaat open", "Wegwerkzaamheden"]


def test_exact_duplicates_by_canonical_link_and_video(make_post, rivierstad):
    link = make_post(title="Kort", link="https://www.Omroep.example.nl/nieuws/123/?utm_source=x")
    same_link = make_post(
        title="Anders", partner=rivierstad, link="http://omroep.example.nl/nieuws/123#boven"
    )
    video = make_post(title="Filmpje", video_url="https://youtu.be/dQw4w9WgXcQ")
    same_video = make_post(
        title="Video", partner=rivierstad, video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ"
    )
    front_page = make_post(title="Voorpagina", link="https://omroep.example.nl/")
    also_front_page = make_post(title="Home", link="https://omroep.example.nl")

    assert story_of(link) and story_of(link) == story_of(same_link)
    assert story_of(video) and story_of(video) == story_of(same_video)
    assert story_of(link) != story_of(video)
    assert story_of(front_page) is None and story_of(also_front_page) is None


def test_two_matches_of_one_club_a_week_apart_stay_apart(make_post, rivierstad):
    first = make_post(
        title="FC Rivierstad wint thuis van Sparta",
        summary="FC Rivierstad heeft zaterdag in eigen stadion met 2-1 gewonnen van Sparta. "
        "Spits De Vries scoorde twee keer voor de thuisploeg.",
        published_at=NOW - timedelta(days=7),
    )
    second = make_post(
        title="FC Rivierstad wint thuis van Go Ahead",
        summary="FC Rivierstad heeft zaterdag in eigen stadion met 3-0 gewonnen van Go Ahead. "
        "Spits De Vries scoorde twee keer voor de thuisploeg.",
        partner=rivierstad,
        published_at=NOW,
    )

    assert story_of(first) is None and story_of(second) is None


def test_weekly_columns_with_one_title_pattern_stay_apart(make_post):
    columns = [
        make_post(
            title=f"De week van Joke, week {week}",
            summary=text,
            published_at=NOW - timedelta(days=7 * n),
        )
        for n, (week, text) in enumerate(
            [
                (45, "Joke fietste deze week langs de nieuwe fietsbrug en sprak met de bouwers."),
                (44, "Joke bezocht de markt in Oost en proefde de beste kibbeling van de stad."),
                (43, "Joke zat op de tribune bij de raadsvergadering over het nieuwe zwembad."),
            ]
        )
    ]

    assert [story_of(column) for column in columns] == [None, None, None]


def test_a_similar_post_outside_the_window_stays_apart(make_post, rivierstad, settings):
    settings.STORY_WINDOW_HOURS = 48
    last_year = make_post(**ZWEMBAD_STADSOOG, published_at=NOW - timedelta(days=365))
    now = make_post(**ZWEMBAD_RIVIERSTAD, partner=rivierstad, published_at=NOW)

    assert story_of(last_year) is None and story_of(now) is None


@pytest.fixture
def brand(make_post, rivierstad) -> tuple[Post, Post]:
    lead = make_post(**BRAND_STADSOOG, published_at=NOW - timedelta(hours=2))
    other = make_post(**BRAND_RIVIERSTAD, partner=rivierstad, published_at=NOW)
    return lead, other


def test_the_wall_shows_one_card_per_story_with_its_other_sources(client, brand, make_post):
    lead, _other = brand
    make_post(title="Iets anders", published_at=NOW - timedelta(days=1))

    response = client.get("/muurkrant/")

    assert [post.title for post in cards(response)] == [lead.title, "Iets anders"]
    assert "Ook van: Radio Rivierstad" in response.text
    assert Story.objects.get().get_absolute_url() in response.text


def test_a_hidden_lead_hands_the_card_to_the_next_version(client, brand):
    lead, other = brand
    Post.objects.filter(pk=lead.pk).update(status=Post.Status.HIDDEN)

    assert [post.title for post in cards(client.get("/muurkrant/"))] == [other.title]


def test_the_embedded_widget_shows_one_item_per_story(client, brand):
    lead, other = brand

    text = client.get("/embed/wall/").text

    assert lead.title in text and other.title not in text


def test_a_pinned_version_leads_its_story_above_the_wall(client, brand):
    """An editor pins the later version: it leads, pinned, and the story is not shown twice."""
    lead, other = brand
    Post.objects.filter(pk=other.pk).update(pinned_until=NOW + timedelta(days=1))

    found = client.get("/muurkrant/").context["slice"]

    assert [post.title for post in found.pinned] == [other.title]
    assert lead.title not in [post.title for post in found.posts]


def test_a_partner_page_shows_its_own_version(client, brand, rivierstad):
    _lead, other = brand

    response = client.get(f"/partners/{rivierstad.slug}/")

    assert [post.title for post in cards(response)] == [other.title]


def test_the_story_page_lists_every_version_and_posts_link_to_it(client, brand, make_post):
    lead, other = brand
    alone = make_post(title="Alleen dit")
    story = Story.objects.get()
    story_url = story.get_absolute_url()

    page = client.get(story_url)

    assert page.status_code == 200
    assert lead.get_absolute_url() in page.text and other.get_absolute_url() in page.text
    assert "RTV Test" in page.text and "Radio Rivierstad" in page.text
    assert story_url in client.get(other.get_absolute_url()).text
    assert "/verhaal/" not in client.get(alone.get_absolute_url()).text
    assert client.get(story_url.replace(f"/{story.pk}/", "/999999/")).status_code == 404


def test_feeds_carry_one_item_per_story_with_the_other_sources(client, brand, make_post, settings):
    lead, other = brand
    other_url = settings.SITE_URL + other.get_absolute_url()
    make_post(title="Los bericht", published_at=NOW - timedelta(days=1))

    rss = feedparser.parse(client.get("/feeds/wall.rss").content)
    atom = feedparser.parse(client.get("/feeds/wall.atom").content)
    items = json.loads(client.get("/feeds/wall.json").content)["items"]

    for parsed in (rss, atom):
        assert [entry.title for entry in parsed.entries] == [lead.title, "Los bericht"]
        related = [link for link in parsed.entries[0].links if link.get("title")]
        assert [(link.title, link.href) for link in related] == [("Radio Rivierstad", other_url)]
    assert [item["title"] for item in items] == [lead.title, "Los bericht"]
    assert items[0]["_muurkrant"]["also_from"] == [
        {"partner": "Radio Rivierstad", "url": other_url}
    ]


def test_an_editor_merges_posts_into_one_story_and_splits_one_out(
    editor_client, make_post, rivierstad
):
    one = make_post(title="Stremming A12 bij knooppunt")
    two = make_post(title="Files rond de stad", partner=rivierstad)
    three = make_post(title="Omleiding voor fietsers")
    ids = "&".join(f"id={post.pk}" for post in (one, two, three))

    merged = editor_client.post(f"/admin/bulk/muurkrant/post/merge_story/?{ids}")

    assert merged.status_code == 302
    assert story_of(one) and story_of(one) == story_of(two) == story_of(three)

    split = editor_client.post(f"/admin/snippets/muurkrant/post/moderate/{three.pk}/split/")

    assert split.status_code == 302
    assert story_of(three) is None and story_of(one) == story_of(two)
    three.title = "Omleiding voor fietsers en voetgangers"
    three.save()  # grouping on the way in leaves an editor's decision alone
    assert story_of(three) is None


def test_the_inspect_page_offers_the_split_to_editors(editor_client, brand):
    lead, other = brand

    page = editor_client.get(f"/admin/snippets/muurkrant/post/inspect/{lead.pk}/")

    assert f"/admin/snippets/muurkrant/post/moderate/{lead.pk}/split/" in page.text
    assert other.title in page.text


def test_a_partner_user_can_neither_merge_nor_split(partner_client, brand, make_post):
    lead, other = brand
    alone = make_post(title="Alleen dit")

    merge = partner_client.post(
        f"/admin/bulk/muurkrant/post/merge_story/?id={lead.pk}&id={alone.pk}"
    )
    split = partner_client.post(f"/admin/snippets/muurkrant/post/moderate/{lead.pk}/split/")

    assert refused(merge) and refused(split)
    assert story_of(alone) is None and story_of(lead) == story_of(other)


def test_the_wall_costs_no_more_queries_with_stories(client, make_post, rivierstad):
    """Measured on the page as rendered, not as served from the page cache."""
    make_post(title="Eerste bericht")
    client.get("/muurkrant/")
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get("/muurkrant/")
    before = len(captured)
    make_post(**BRAND_STADSOOG)
    make_post(**BRAND_RIVIERSTAD, partner=rivierstad)
    make_post(**ZWEMBAD_STADSOOG)
    make_post(**ZWEMBAD_RIVIERSTAD, partner=rivierstad)

    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        client.get("/muurkrant/")

    assert Story.objects.count() == 2
    assert len(captured) == before
