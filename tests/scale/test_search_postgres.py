"""On PostgreSQL the wall's search runs on PostgreSQL's full-text search (Dutch stemming and
ranking), chosen by Wagtail's database backend without any setting of ours."""

import os

import pytest
from django.test import Client

from mediahub.models import Partner
from muurkrant.models import Post
from muurkrant.queries import WallFilters, search_ids

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="needs DATABASE_URL pointing at PostgreSQL",
    ),
]


def test_the_search_backend_is_postgresql_full_text_search():
    from wagtail.search.backends import get_search_backend

    assert type(get_search_backend()).__name__ == "PostgresSearchBackend"


def test_the_wall_finds_posts_by_their_words():
    partner = Partner.objects.create(name="Omroep Zoek", slug="omroep-zoek", trusted=True)
    bridge = Post.objects.create(
        partner=partner, title="Nieuwe fietsbrug over de haven geopend", status="published"
    )
    Post.objects.create(partner=partner, title="Markt verhuist naar het plein", status="published")
    Post.objects.create(partner=partner, title="Fietsbrug in de wacht", status="pending")

    assert search_ids(WallFilters(q="fietsbrug")) == [bridge.pk]
    response = Client().get("/muurkrant/", {"q": "fietsbrug"})
    assert response.status_code == 200
    assert "Nieuwe fietsbrug over de haven geopend" in response.text
    assert "Markt verhuist" not in response.text
