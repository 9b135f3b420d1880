"""An open wall hears of new posts without a reload, politely, and asks no other host."""

import re

import pytest
from playwright.sync_api import expect

from muurkrant.models import WallPage

pytestmark = pytest.mark.django_db(transaction=True)

FEED = "/feeds/wall.json"


def above(page, first: str, second: str) -> bool:
    """Whether the heading `first` comes before the heading `second` in the page."""
    return page.evaluate(
        """([first, second]) => {
            const find = (title) => [...document.querySelectorAll("h2, h3")]
                .find((heading) => heading.textContent.trim() === title);
            const a = find(first), b = find(second);
            return Boolean(
                a && b && a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING
            );
        }""",
        [first, second],
    )


def test_a_new_post_is_announced_and_shown_at_the_top(page, make_post, settings):
    settings.WALL_LIVE_UPDATE_SECONDS = 1
    make_post(title="Eerste bericht")
    with page.expect_response(lambda response: FEED in response.url):
        page.goto("/muurkrant/")
    status = page.get_by_role("status")
    expect(status).to_be_empty()
    # An unchanged wall is answered with 304s, and nothing is announced.
    with page.expect_response(lambda response: FEED in response.url) as unchanged:
        pass
    assert unchanged.value.status == 304
    expect(status).to_be_empty()

    make_post(title="Nieuw bericht")
    expect(status).to_contain_text("1 nieuw bericht")
    assert page.evaluate("document.activeElement === document.body")  # focus stays put
    status.get_by_role("button").click()
    expect(page.get_by_role("heading", name="Nieuw bericht", exact=True)).to_be_visible()
    assert above(page, "Nieuw bericht", "Eerste bericht")
    assert page.console_errors == []
    assert page.foreign_requests == []


def test_polling_pauses_while_the_tab_is_hidden(page, make_post, settings):
    settings.WALL_LIVE_UPDATE_SECONDS = 1
    make_post(title="Eerste bericht")
    polls = []
    page.on("request", lambda request: FEED in request.url and polls.append(request.url))
    with page.expect_response(lambda response: FEED in response.url):
        page.goto("/muurkrant/")
    page.evaluate(
        """() => {
            Object.defineProperty(document, "hidden", {configurable: true, get: () => true});
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    before = len(polls)
    page.wait_for_timeout(2500)
    assert len(polls) == before
    page.evaluate(
        """() => {
            Object.defineProperty(document, "hidden", {configurable: true, get: () => false});
            document.dispatchEvent(new Event("visibilitychange"));
        }"""
    )
    with page.expect_response(lambda response: FEED in response.url):
        pass


def test_the_wall_loads_nothing_from_other_hosts(page, make_post):
    make_post(title="Eerste bericht")
    hosts = set()
    page.on("request", lambda request: hosts.add(re.sub(r"^(\w+://[^/]+).*", r"\1", request.url)))
    page.goto("/muurkrant/")
    page.wait_for_load_state("networkidle")
    assert len(hosts) == 1
    assert page.foreign_requests == []


def test_later_pages_do_not_poll(page, make_post):
    WallPage.objects.update(posts_per_page=1)
    make_post(title="Eerste bericht")
    make_post(title="Tweede bericht")
    page.goto("/muurkrant/")
    expect(page.locator("[data-live-feed]")).to_have_count(1)
    page.get_by_role("link", name=re.compile("Oudere|Older")).first.click()
    page.wait_for_url(re.compile(r"before="))
    expect(page.locator("[data-live-feed]")).to_have_count(0)
