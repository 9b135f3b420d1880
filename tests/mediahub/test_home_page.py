"""The home page: a welcome, a way to the wall, and the wall's latest posts."""

from datetime import timedelta

import pytest
from django.utils import timezone

from muurkrant.models import Post

pytestmark = pytest.mark.django_db


def test_home_shows_the_six_latest_wall_posts_newest_first(client, make_post):
    now = timezone.now()
    for hours in range(8):
        make_post(title=f"Bericht {hours} uur oud", published_at=now - timedelta(hours=hours))
    make_post(title="Wacht op moderatie", status=Post.Status.PENDING)

    page = client.get("/").text

    shown = [f"Bericht {hours} uur oud" for hours in range(6)]
    assert [page.index(title) for title in shown] == sorted(page.index(t) for t in shown)
    assert "Bericht 6 uur oud" not in page
    assert "Wacht op moderatie" not in page


def test_home_without_posts_has_no_latest_section(client):
    page = client.get("/").text
    assert 'id="latest-heading"' not in page
    assert '<a class="button" href="/muurkrant/">' in page
