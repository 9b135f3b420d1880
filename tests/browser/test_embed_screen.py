"""The widget inside another site's page, and screen mode rotating and riding out a lost server."""

import pytest
from django.utils import timezone

from muurkrant.models import Post
from tests.factories import PostFactory
from tests.feeds.conftest import LocalHTTPServer

HOST_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Buurthuis</title></head>
<body><h1>Buurthuis De Linde</h1>
<div data-muurkrant-wall data-kind="video" data-theme="dark"></div>
<script src="{site}/embed/wall.js" async></script>
</body></html>"""


@pytest.fixture
def site(settings, live_server):
    settings.SITE_URL = live_server.url
    return live_server.url


@pytest.fixture
def wall_posts(partner):
    now = timezone.now()
    titles = ["Markt op zaterdag", "Video van de brug", "Nieuwe bibliotheek"]
    kinds = [Post.Kind.ARTICLE, Post.Kind.VIDEO, Post.Kind.ARTICLE]
    return [
        PostFactory(
            partner=partner,
            title=title,
            kind=kind,
            summary=f"Over {title.lower()}.",
            status=Post.Status.PUBLISHED,
            published_at=now - timezone.timedelta(minutes=n),
        )
        for n, (title, kind) in enumerate(zip(titles, kinds, strict=True))
    ]


@pytest.fixture
def other_site():
    server = LocalHTTPServer(host="127.0.0.2")
    yield server
    server.stop()


def test_widget_in_an_iframe_on_another_origin(page, site, wall_posts, other_site):
    other_site.route("/", body=HOST_PAGE.format(site=site), headers={"Content-Type": "text/html"})
    page.route(f"{other_site.base_url}/**", lambda route: route.continue_())
    page.goto(other_site.url("/"))
    frame = page.frame_locator("iframe[title='Muurkrant']")
    link = frame.get_by_role("link", name="Video van de brug")
    link.wait_for()
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener"
    assert frame.get_by_text("Markt op zaterdag").count() == 0
    page.wait_for_function("() => document.querySelector('iframe').style.height !== '400px'")
    height = page.evaluate("() => document.querySelector('iframe').getBoundingClientRect().height")
    assert 80 <= height < 400
    assert page.context.cookies() == []
    assert page.foreign_requests == []
    assert page.console_errors == []


def test_screen_rotates_and_survives_a_lost_server(page, site, wall_posts):
    page.clock.install()
    page.goto("/scherm/?interval=5")
    title = page.locator(".slide__title")
    title.wait_for()
    first = title.text_content()
    assert first == "Markt op zaterdag"
    assert page.locator(".slide__qr img").get_attribute("src").endswith(".svg")
    page.clock.run_for(5000)
    page.wait_for_function(
        "t => document.querySelector('.slide__title').textContent !== t", arg=first
    )
    assert title.text_content() == "Video van de brug"

    page.route("**/feeds/wall.json*", lambda route: route.abort())
    page.clock.run_for(181_000)  # the refresh comes and fails
    page.wait_for_function(
        "() => document.querySelector('[data-screen]').dataset.state === 'offline'"
    )
    assert title.text_content() in {"Markt op zaterdag", "Video van de brug", "Nieuwe bibliotheek"}
    shown = title.text_content()
    page.clock.run_for(5000)
    page.wait_for_function(
        "t => document.querySelector('.slide__title').textContent !== t", arg=shown
    )
    assert page.locator("[data-status]").text_content().startswith("Geen verbinding")

    page.unroute("**/feeds/wall.json*")
    page.clock.run_for(30_000)  # the retry after the back-off gets through
    page.wait_for_function(
        "() => document.querySelector('[data-screen]').dataset.state === 'online'"
    )
    assert page.foreign_requests == []
    unexpected = [e for e in page.console_errors if "Failed to load resource" not in e]
    assert unexpected == []
