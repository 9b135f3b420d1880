"""Sources in the admin: health at a glance, fetch now, and partner users scoped to their own."""

import json
import re
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from feeds.models import FetchLog, Source
from feeds.wagtail_hooks import source_health
from mediahub.models import PartnerLogEntry
from tests.factories import PartnerUserFactory, SourceFactory

SOURCES = "/admin/snippets/feeds/source/"
SECRET_URL = "https://elders.example/geheim.xml"


@pytest.fixture
def own_source(partner) -> Source:
    return SourceFactory(partner=partner, url="https://rtv.example/feed.xml")


@pytest.fixture
def foreign_source(other_partner) -> Source:
    return SourceFactory(partner=other_partner, url=SECRET_URL)


def source_data(partner, **fields) -> dict:
    return {
        "partner": partner.pk,
        "url": "https://nieuw.example/feed.xml",
        "title": "Nieuw",
        "site_url": "",
        "active": "on",
        "fetch_interval": 15,
        **fields,
    }


def test_listing_shows_only_own_sources(partner_client, own_source, foreign_source):
    response = partner_client.get(SOURCES)

    assert own_source.url.encode() in response.content
    assert SECRET_URL.encode() not in response.content


def test_bulk_delete_ignores_another_partners_source(partner_client, foreign_source):
    response = partner_client.post(f"/admin/bulk/feeds/source/delete/?id={foreign_source.pk}")

    assert response.status_code == 404
    assert Source.objects.filter(pk=foreign_source.pk).exists()


def test_create_with_forged_partner_saves_nothing(partner_client, other_partner):
    response = partner_client.post(f"{SOURCES}add/", source_data(other_partner))

    assert "partner" in response.context["form"].errors
    assert not Source.objects.exists()


def test_only_editors_trust_a_source(client, editor, other_partner, partner):
    client.force_login(PartnerUserFactory(partner=other_partner))
    client.post(f"{SOURCES}add/", source_data(other_partner, trusted="on"))
    assert Source.objects.get().trusted is False

    client.force_login(editor)
    client.post(f"{SOURCES}add/", source_data(partner, url="https://b.example/", trusted="on"))
    assert Source.objects.get(url="https://b.example/").trusted is True


def test_a_trusted_partners_new_feed_is_trusted(partner_client, partner):
    assert partner.trusted
    response = partner_client.post(f"{SOURCES}add/", source_data(partner))
    assert response.status_code == 302
    assert Source.objects.get().trusted is True


def test_fetch_now_enqueues_the_source(partner_client, own_source, monkeypatch):
    queued = []
    monkeypatch.setattr("feeds.tasks.enqueue_fetch", queued.append)

    response = partner_client.post(f"{SOURCES}fetch/{own_source.pk}/")

    assert response.status_code == 302
    assert queued == [own_source]


def test_fetch_now_is_post_only_and_scoped(partner_client, foreign_source, monkeypatch):
    queued = []
    monkeypatch.setattr("feeds.tasks.enqueue_fetch", queued.append)

    by_get = partner_client.get(f"{SOURCES}fetch/{foreign_source.pk}/")
    foreign = partner_client.post(f"{SOURCES}fetch/{foreign_source.pk}/")

    assert (by_get.status_code, foreign.status_code) == (405, 404)
    assert queued == []


def test_inspect_shows_health_and_fetch_history(partner_client, own_source):
    FetchLog.objects.create(source=own_source, outcome="error", error="De server antwoordde 500")

    response = partner_client.get(f"{SOURCES}inspect/{own_source.pk}/")

    assert response.status_code == 200
    assert b"De server antwoordde 500" in response.content


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, "Never fetched"),
        ({"last_fetched_at": timezone.now()}, "OK"),
        ({"last_fetched_at": timezone.now(), "error_count": 3}, "Failing 3 times in a row"),
        ({"active": False, "deactivated_reason": "410 Gone"}, "Gone: 410 Gone"),
        ({"active": False}, "Switched off"),
    ],
)
def test_health_in_plain_words(fields, expected):
    with translation.override("en"):
        assert source_health(Source(url="https://x.example/", **fields)) == expected


def test_listing_shows_health_and_next_fetch(client, editor, own_source):
    Source.objects.filter(pk=own_source.pk).update(
        error_count=2,
        last_error="Time-out",
        last_fetched_at=timezone.now(),
        next_fetch_at=timezone.now() + timedelta(hours=1),
    )
    client.force_login(editor)

    response = client.get(SOURCES)

    assert b"Time-out" in response.content


def main_menu(client) -> list[dict]:
    """The admin sidebar's main menu as the page sends it to the browser."""
    html = client.get("/admin/").text
    props = re.search(r'id="wagtail-sidebar-props" type="application/json">(.*?)</', html, re.S)
    modules = json.loads(props.group(1))["modules"]
    return next(m for m in modules if m["_type"] == "wagtail.sidebar.MainMenuModule")["_args"][0]


def test_sources_sit_in_the_muurkrant_menu_after_posts(client, editor):
    client.force_login(editor)
    menu = main_menu(client)
    group = next(item for item in menu if item["_args"][0]["name"] == "muurkrant")
    assert [item["_args"][0]["url"] for item in group["_args"][1]] == [
        "/admin/snippets/muurkrant/post/moderation/",
        "/admin/snippets/muurkrant/post/",
        SOURCES,
        "/admin/snippets/mediahub/partner/",
        "/admin/snippets/mediahub/membership/",
        "/admin/snippets/muurkrant/wijk/",
        "/admin/takeover-requests/",
    ]
    assert "snippets" not in [item["_args"][0]["name"] for item in menu]


def test_a_source_edit_is_logged_with_its_partner(partner_client, own_source, partner):
    response = partner_client.post(SOURCES + f"edit/{own_source.pk}/", source_data(partner))
    assert response.status_code == 302
    entry = PartnerLogEntry.objects.for_instance(own_source).get(action="wagtail.edit")
    assert entry.partner == partner


def test_the_add_form_says_which_addresses_work(partner_client):
    response = partner_client.get(f"{SOURCES}add/")

    assert response.status_code == 200
    assert "youtube.com/feeds/videos.xml?channel_id=" in response.content.decode()
