"""On PostgreSQL the wall's search is a ``LIKE '%form%'`` over the search column, served by its
pg_trgm GIN index (muurkrant.search): at scale it still finds parts of words and Dutch word
forms, through the same entry point as the wall, the Pool and the API, and reads the index."""

import os
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone

from mediahub.models import Partner
from muurkrant.models import Post
from muurkrant.queries import WallFilters, search_ids
from muurkrant.search import matches

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs DATABASE_URL pointing at PostgreSQL",
    ),
]
POSTS = 10_000
WORDS = ["markt", "raad", "school", "haven", "park", "station", "dijk", "wijk", "kerk", "zorg"]


@pytest.fixture
def wall() -> dict[str, Post]:
    """Many published posts that hold none of the searched words, and a few that do."""
    partner = Partner.objects.create(name="Omroep Zoek", slug="omroep-zoek", trusted=True)
    now = timezone.now()
    posts = [
        Post(
            partner=partner,
            title=f"{WORDS[n % 10].capitalize()} en {WORDS[(n * 7) % 10]} in week {n % 52}",
            summary=f"Bericht {n} over de {WORDS[(n * 3) % 10]} en de {WORDS[(n * 5) % 10]}.",
            status=Post.Status.PUBLISHED,
            published_at=now - timedelta(minutes=n + 10),
        )
        for n in range(POSTS)
    ]
    for post in posts:
        post.derive()
    Post.objects.bulk_create(posts, batch_size=2000)
    found = {
        "bridge": Post.objects.create(
            partner=partner, title="Nieuwe fietsbrug over de haven geopend", status="published"
        ),
        "riders": Post.objects.create(
            partner=partner,
            title="Drukte bij de markt",
            summary="Fietsers zoeken een plek voor hun fiets.",
            status="published",
        ),
    }
    Post.objects.create(partner=partner, title="Fietsbrug in de wacht", status="pending")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE muurkrant_post")
    return found


def test_parts_of_words_and_word_forms_are_found_among_many(wall):
    assert search_ids(WallFilters(q="brug")) == [wall["bridge"].pk]
    assert search_ids(WallFilters(q="fietsbrug haven")) == [wall["bridge"].pk]
    assert search_ids(WallFilters(q="fietsers plek")) == [wall["riders"].pk]
    assert search_ids(WallFilters(q="fiets")) == [wall["bridge"].pk, wall["riders"].pk]
    assert search_ids(WallFilters(q="qwxyz")) == []

    response = Client().get("/muurkrant/", {"q": "brug"})
    assert response.status_code == 200
    assert "Nieuwe <mark>fietsbrug</mark> over de haven geopend" in response.text
    assert "Fietsbrug in de wacht" not in response.text


def test_the_search_condition_can_read_the_trigram_index(wall):
    with connection.cursor() as cursor:
        # Short test rows make a scan cheap enough that the planner may prefer it; without
        # scans the plan shows whether the index serves the search's condition.
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = Post.objects.filter(matches(["fietsbrug"], connection.vendor)).explain()
    assert "post_search_trgm_idx" in plan, plan
