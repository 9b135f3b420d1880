"""The wall's search as residents use it: parts of words, Dutch word forms, every word counts,
the other filters still apply, and whatever is typed is only ever text to look for."""

import re

import pytest

from feeds.ingest import ingest_document
from muurkrant.models import Post
from muurkrant.queries import WallFilters, search_ids
from tests.factories import PostFactory, SourceFactory, WijkFactory
from tests.feeds.documents import rss
from tests.muurkrant.test_api import issue_token

pytestmark = pytest.mark.django_db


def found(client, **query) -> list[str]:
    response = client.get("/muurkrant/", query)
    assert response.status_code == 200
    shown = response.context["slice"]
    return sorted(post.title for post in [*shown.pinned, *shown.posts])


@pytest.fixture
def bridge(make_post):
    make_post(
        title="Markt verhuist naar het plein", summary="Kramen staan vanaf zaterdag op het plein."
    )
    return make_post(
        title="Nieuwe fietsbrug over de haven geopend",
        summary="Fietsers en voetgangers steken voortaan droog over.",
    )


@pytest.mark.parametrize("word", ["fietsbrug", "fiets", "brug", "FIETS", "Brug", "haven"])
def test_a_part_of_a_word_finds_the_word(client, bridge, word):
    assert found(client, q=word) == [bridge.title]


@pytest.mark.parametrize("word", ["fietsers", "fietsen", "fietser", "bruggen"])
def test_dutch_word_forms_find_the_plain_word(client, make_post, word):
    make_post(title="Fiets gestolen bij de brug")
    make_post(title="Kraam op de markt")
    assert found(client, q=word) == ["Fiets gestolen bij de brug"]


def test_the_summary_and_body_text_are_searched_but_not_the_markup(client, make_post):
    make_post(title="Raad vergadert", summary="Over de fietsenstalling bij het station.")
    make_post(
        title="Nieuwe bomen",
        body='<p>In het <a href="https://omroep.example/park">stadspark</a> komen eiken.</p>',
    )
    assert found(client, q="stalling") == ["Raad vergadert"]
    assert found(client, q="stadspark") == ["Nieuwe bomen"]
    assert found(client, q="href") == []
    assert found(client, q="omroep.example") == []


def test_every_word_must_match(client, bridge, make_post):
    make_post(title="Brug bij de markt dicht")
    assert found(client, q="fiets brug") == [bridge.title]
    assert found(client, q="brug markt") == ["Brug bij de markt dicht"]
    assert found(client, q="fiets markt") == []


@pytest.mark.parametrize("word", ["voetbal", "tandarts", "zwembad"])
def test_unrelated_words_find_nothing(client, bridge, word):
    assert found(client, q=word) == []


KORTING = "Korting 50% op fiets_onderdelen"
BRIDGE = "Nieuwe fietsbrug over de haven geopend"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("%", []),
        ("%%", []),
        ("'", []),
        ('"', []),
        ("\\", []),
        ("' OR 1=1 --", []),
        ("a" * 500, []),
        ("_", [KORTING]),  # a literal underscore, not LIKE's any-character
        ("f_ets", []),
        ("fiets%", [KORTING, BRIDGE]),  # a literal percent sign only separates
        ("<script>fietsbrug</script>", []),  # every word counts, "script" too
    ],
)
def test_hostile_text_is_only_text(client, bridge, make_post, text, expected):
    make_post(title=KORTING)
    assert found(client, q=text) == expected
    assert Post.objects.count() == 3


def test_punctuation_only_separates_words(client, bridge, make_post):
    make_post(title="Korting 50% op fiets_onderdelen")
    assert found(client, q='"fietsbrug"') == [bridge.title]
    assert found(client, q="50%") == ["Korting 50% op fiets_onderdelen"]
    assert found(client, q="haven, plein") == []
    assert found(client, q="fiets " * 100) == sorted(
        [bridge.title, "Korting 50% op fiets_onderdelen"]
    )


def test_accents_and_case_do_not_matter(client, make_post):
    make_post(title="Bibliotheek opent taalcafé voor nieuwkomers")
    assert found(client, q="taalcafe") == ["Bibliotheek opent taalcafé voor nieuwkomers"]
    assert found(client, q="CAFÉ") == ["Bibliotheek opent taalcafé voor nieuwkomers"]


def test_a_post_ingested_from_a_feed_is_found_at_once(client, partner):
    source = SourceFactory(partner=partner, trusted=True)
    ingest_document(source, rss(("1", "Fietsbrug over het kanaal open"), ("2", "Markt dicht")))
    assert found(client, q="brug") == ["Fietsbrug over het kanaal open"]
    ingest_document(source, rss(("1", "Fietsbrug over het kanaal weer dicht"), ("2", "Markt")))
    assert found(client, q="brug dicht") == ["Fietsbrug over het kanaal weer dicht"]


def test_an_edited_post_is_found_by_its_new_words(client, make_post):
    post = make_post(title="Brug open")
    post.title = "Tunnel open"
    post.save()
    assert found(client, q="brug") == []
    assert found(client, q="tunnel") == ["Tunnel open"]


def test_search_keeps_the_other_filters(client, make_post, other_partner):
    centrum = WijkFactory(name="Centrum")
    here = make_post(title="Fietsbrug in het centrum", kind=Post.Kind.VIDEO)
    here.tags.add("verkeer")
    here.wijken.add(centrum)
    here.save()
    make_post(title="Fietsbrug bij Radio Elders", partner=other_partner)
    make_post(title="Fietsbrug nog in overleg", status=Post.Status.PENDING)
    make_post(title="Fietsbrug is weg", status=Post.Status.HIDDEN)
    assert found(client, q="brug") == ["Fietsbrug bij Radio Elders", "Fietsbrug in het centrum"]
    assert found(client, q="brug", partner="radio-elders") == ["Fietsbrug bij Radio Elders"]
    assert found(client, q="brug", kind="video") == ["Fietsbrug in het centrum"]
    assert found(client, q="brug", tag="verkeer") == ["Fietsbrug in het centrum"]
    assert found(client, q="brug", wijk=centrum.slug) == ["Fietsbrug in het centrum"]


def test_title_matches_come_first_then_the_newest(make_post):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    old_title = make_post(title="Fietsbrug", published_at=now - timedelta(days=9))
    new_summary = make_post(title="Haven", summary="Bij de fietsbrug", published_at=now)
    new_title = make_post(title="Weer de fietsbrug", published_at=now - timedelta(days=1))
    assert search_ids(WallFilters(q="brug")) == [new_title.pk, old_title.pk, new_summary.pk]


def test_an_empty_result_offers_to_drop_the_filters(client, make_post):
    make_post(title="Fietsbrug open", kind=Post.Kind.VIDEO)
    assert found(client, q="brug", kind="audio") == []
    response = client.get("/muurkrant/", {"q": "brug", "kind": "audio"})
    assert 'href="/muurkrant/?q=brug"' in response.text  # drops the kind, keeps the search
    assert 'href="/muurkrant/?kind=audio"' in response.text  # drops the search


def test_the_api_and_the_pool_search_alike(client, partner_client, partner, other_partner):
    PostFactory(partner=other_partner, title="Nieuwe fietsbrug geopend")
    PostFactory(partner=other_partner, title="Markt dicht")
    response = client.get(
        "/api/v1/pool", {"q": "fietsers"}, HTTP_AUTHORIZATION=f"Bearer {issue_token(partner)}"
    )
    assert response.status_code == 200, response.text
    assert [item["title"] for item in response.json()["items"]] == ["Nieuwe fietsbrug geopend"]
    pool = partner_client.get("/admin/pool/", {"q": "fietsers"}).text
    assert "Nieuwe fietsbrug geopend" in pool
    assert "Markt dicht" not in pool


def titles(response) -> list[str]:
    """The cards' titles as sent, markup and all."""
    return re.findall(r'class="card__title"><a href="[^"]*">(.*?)</a>', response.text)


def summaries(response) -> list[str]:
    return re.findall(r'<p class="card__summary">(.*?)</p>', response.text)


def test_the_matched_words_are_marked_in_titles_and_summaries(client, bridge):
    response = client.get("/muurkrant/", {"q": "fiets"})
    assert titles(response) == ["Nieuwe <mark>fietsbrug</mark> over de haven geopend"]
    assert summaries(response) == [
        "<mark>Fietsers</mark> en voetgangers steken voortaan droog over."
    ]


def test_without_a_search_nothing_is_marked(client, bridge):
    assert "<mark" not in client.get("/muurkrant/").text
    assert "<mark" not in client.get("/muurkrant/", {"kind": "article"}).text


def test_marking_keeps_a_title_text(client, make_post):
    make_post(title='Brug <script>alert("x")</script> & "haven"')
    response = client.get("/muurkrant/", {"q": "brug script"})
    assert titles(response) == [
        "<mark>Brug</mark> &lt;<mark>script</mark>&gt;alert(&quot;x&quot;)"
        "&lt;/<mark>script</mark>&gt; &amp; &quot;haven&quot;"
    ]
    assert "<script>alert" not in response.text


def test_marking_ignores_accents_and_case(client, make_post):
    make_post(title="Bibliotheek opent TAALCAFÉ", summary="Koffie in het café, elke dinsdag.")
    response = client.get("/muurkrant/", {"q": "cafe"})
    assert titles(response) == ["Bibliotheek opent <mark>TAALCAFÉ</mark>"]
    assert summaries(response) == ["Koffie in het <mark>café</mark>, elke dinsdag."]


@pytest.mark.parametrize(
    ("text", "query", "expected"),
    [
        ("De Grootestraße", "grootestrasse", "De <mark>Grootestraße</mark>"),
        ("Fietsers op de brug", "fietsen brug", "<mark>Fietsers</mark> op de <mark>brug</mark>"),
        ("Korting 50% op fiets_onderdelen", "50", "Korting <mark>50</mark>% op fiets_onderdelen"),
        ("Markt <dicht>", "", "Markt &lt;dicht&gt;"),
    ],
)
def test_highlight_marks_whole_words_holding_a_form(text, query, expected):
    from muurkrant.search import highlight

    assert highlight(text, query) == expected


def test_an_empty_result_under_several_filters_offers_to_search_all_posts(client, make_post):
    make_post(title="Fietsbrug open", kind=Post.Kind.VIDEO)
    response = client.get("/muurkrant/", {"q": "brug", "kind": "audio", "partner": "rtv-test"})
    assert response.context["slice"].posts == []
    empty = response.text.split('<p class="empty">')[1].split("</p>")[0]
    assert 'href="/muurkrant/?q=brug"' in empty  # drops every filter, keeps the search
    assert 'href="/muurkrant/?partner=rtv-test&amp;kind=audio"' in empty  # drops the search
