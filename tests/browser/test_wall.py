"""A resident on the wall in a real browser: browse, filter, search, page, watch, report."""

import re

import pytest
from playwright.sync_api import expect

from muurkrant.models import AbuseReport, Post, WallPage
from tests.factories import WijkFactory

pytestmark = pytest.mark.django_db(transaction=True)

YOUTUBE_EMBED = "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"


def card(page, title: str):
    return page.get_by_role("heading", name=title, exact=True)


def test_browse_and_open_a_post(page, make_post):
    make_post(title="Fietsbrug geopend", body="<p>Vanaf vandaag kun je erover.</p>")
    page.goto("/muurkrant/")
    page.get_by_role("link", name="Fietsbrug geopend").click()
    page.wait_for_url(re.compile(r"/muurkrant/\d+-fietsbrug-geopend/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Fietsbrug geopend")
    expect(page.get_by_text("Vanaf vandaag kun je erover.")).to_be_visible()
    assert page.console_errors == []
    assert page.foreign_requests == []


def test_filter_by_neighbourhood_link(page, make_post):
    centrum = WijkFactory(name="Centrum")
    WijkFactory(name="Noord")
    make_post(title="Markt in Noord")
    kermis = make_post(title="Kermis in het centrum")
    kermis.wijken.add(centrum)
    kermis.save()
    page.goto("/muurkrant/")
    page.locator(".wall__filters summary").click()  # the filters are folded away at first
    page.get_by_role("navigation", name="Wijken").get_by_role("link", name="Centrum").click()
    page.wait_for_url("**/muurkrant/?wijk=centrum")
    expect(card(page, "Kermis in het centrum")).to_be_visible()
    expect(card(page, "Markt in Noord")).to_have_count(0)
    page.get_by_role("link", name="Verwijder filter wijk Centrum").click()
    expect(card(page, "Markt in Noord")).to_be_visible()


def test_search_with_the_form(page, make_post):
    make_post(title="Nieuwe fietsbrug over de haven")
    make_post(title="Taalcafé in de bibliotheek")
    page.goto("/muurkrant/")
    page.locator(".wall__filters summary").click()
    page.get_by_label("Zoeken", exact=True).fill("fietsbrug")
    page.get_by_role("button", name="Toon berichten").click()
    page.wait_for_url("**/muurkrant/?q=fietsbrug*")
    expect(card(page, "Nieuwe fietsbrug over de haven")).to_be_visible()
    expect(card(page, "Taalcafé in de bibliotheek")).to_have_count(0)


def test_paginate_older_and_newer(page, make_post):
    WallPage.objects.update(posts_per_page=2)
    for n in range(5):
        make_post(title=f"Bericht {n}")
    page.goto("/muurkrant/")
    expect(card(page, "Bericht 4")).to_be_visible()
    page.get_by_role("link", name="Oudere berichten").click()
    expect(card(page, "Bericht 2")).to_be_visible()
    expect(card(page, "Bericht 4")).to_have_count(0)
    page.get_by_role("link", name="Nieuwere berichten").click()
    expect(card(page, "Bericht 4")).to_be_visible()


def test_video_loads_from_the_provider_only_after_play(page, make_post):
    video = make_post(
        title="De markt in beeld",
        kind=Post.Kind.VIDEO,
        video_provider="youtube",
        video_id="dQw4w9WgXcQ",
        video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    page.goto(video.get_absolute_url())
    play = page.get_by_role("button", name=re.compile("Video afspelen"))
    expect(play).to_be_visible()
    assert page.foreign_requests == []
    with page.expect_request(YOUTUBE_EMBED):
        play.click()
    expect(page.locator("iframe")).to_have_attribute("src", YOUTUBE_EMBED)
    assert page.foreign_requests == [YOUTUBE_EMBED]


def test_report_abuse(page, make_post):
    post = make_post(title="Twijfelachtig bericht")
    page.goto(post.get_absolute_url())
    page.get_by_role("link", name="Meld dit bericht bij de redactie").click()
    page.get_by_label("Spam of reclame").check()
    page.get_by_label("Toelichting (niet verplicht)").fill("Dit is reclame.")
    page.get_by_role("button", name="Melding versturen").click()
    expect(page.get_by_role("status")).to_contain_text("Bedankt voor je melding")
    report = AbuseReport.objects.get()
    assert (report.post_id, report.reason, report.message) == (post.pk, "spam", "Dit is reclame.")


def test_no_horizontal_scroll_at_360_pixels(page, make_post, partner):
    post = make_post(
        title="Een heel lang woord: Gemeenteraadsverkiezingscampagnebijeenkomstverslag",
        summary="https://rtv-test.example/een/heel/lange/link/zonder/spaties/die/niet/mag/uitsteken",
    )
    page.set_viewport_size({"width": 360, "height": 740})
    for url in ("/", "/muurkrant/", post.get_absolute_url(), f"/partners/{partner.slug}/"):
        page.goto(url)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"{url} is {width}px wide"


def test_hostile_payloads_fire_no_script(page, make_post):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    post = make_post(
        title="<script>alert(1)</script><img src=x onerror=alert(2)>",
        summary='<img src=x onerror=alert(3)> <a href="javascript:alert(4)">klik</a>',
        link="javascript:alert(5)",
    )
    page.goto("/muurkrant/")
    expect(card(page, "<script>alert(1)</script><img src=x onerror=alert(2)>")).to_be_visible()
    page.goto(post.get_absolute_url())
    expect(page.get_by_role("heading", level=1)).to_contain_text("<script>alert(1)</script>")
    assert page.locator("a[href^='javascript']").count() == 0
    assert dialogs == []
