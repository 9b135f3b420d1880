"""Dates on cards as people say them, in Dutch and English."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from mediahub.templatetags.dates import ago
from tests.factories import PostFactory

NOW = datetime(2026, 12, 3, 15, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))


@pytest.mark.parametrize(
    ("before", "nl", "en"),
    [
        (timedelta(seconds=5), "zojuist", "just now"),
        (timedelta(minutes=1), "1 minuut geleden", "1 minute ago"),
        (timedelta(minutes=59, seconds=59), "59 minuten geleden", "59 minutes ago"),
        (timedelta(hours=2, minutes=2), "2 uur geleden", "2 hours ago"),
        (timedelta(hours=1), "1 uur geleden", "1 hour ago"),
        (timedelta(hours=26), "gisteren", "yesterday"),
        (timedelta(days=3), "3 dagen geleden", "3 days ago"),
        (timedelta(days=20), "13 november", "13 November"),
        (timedelta(days=400), "29 oktober 2025", "29 October 2025"),
    ],
)
def test_one_unit_then_the_date(before, nl, en):
    with translation.override("nl"):
        assert ago(NOW - before, NOW) == nl
    with translation.override("en"):
        assert ago(NOW - before, NOW) == en


def test_a_moment_in_the_future_is_just_now():
    """A feed's clock a little ahead of ours says nothing odd."""
    with translation.override("en"):
        assert ago(NOW + timedelta(minutes=3), NOW) == "just now"


@pytest.mark.django_db
def test_a_fresh_card_says_just_now_not_zero_minutes(client):
    PostFactory(title="Vers van de pers")
    page = client.get("/muurkrant/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Vers van de pers" in page
    assert "zojuist" in page
    assert "0 minuten" not in page
