"""A resident finds the partners and listens live: nothing reaches the stream before play."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)

STREAM = "https://stream.rtv-test.example/live.mp3"
LISTEN = re.compile("Listen live|Luister live", re.IGNORECASE)


@pytest.fixture
def on_air(partner):
    partner.description = "Lokale radio en tv voor de hele stad."
    partner.channels = "FM 105.3\nKabel kanaal 42"
    partner.stream_url = STREAM
    partner.save()
    return partner


def test_from_the_menu_to_the_directory_to_a_partner_page(page, on_air, other_partner):
    page.goto("/muurkrant/")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Partners").click()
    page.wait_for_url("**/partners/")
    page.get_by_role("link", name="RTV Test").click()
    page.wait_for_url("**/partners/rtv-test/")
    expect(page.get_by_role("heading", level=1)).to_have_text("RTV Test")
    expect(
        page.get_by_role("list", name="Kanalen en frequenties").or_(
            page.get_by_role("list", name="Channels and frequencies")
        )
    ).to_contain_text("FM 105.3")
    assert page.foreign_requests == []


@pytest.mark.parametrize("url", ["/live/", "/partners/rtv-test/"])
def test_the_stream_is_contacted_only_after_play(page, on_air, url):
    page.goto(url)
    play = page.get_by_role("button", name=LISTEN)
    expect(play).to_be_visible()
    expect(page.locator("audio")).to_have_count(0)
    assert page.foreign_requests == []

    # "requestfailed" comes after the guard has recorded and aborted it ("request" may not).
    with page.expect_event("requestfailed", predicate=lambda request: request.url == STREAM):
        play.click()

    assert set(page.foreign_requests) == {STREAM}


def test_a_stream_the_browser_cannot_play_leaves_a_link_to_it(page, on_air):
    page.goto("/live/")
    page.get_by_role("button", name=LISTEN).click()  # the test browser never reaches the host

    expect(page.locator(".live-player a")).to_have_attribute("href", STREAM)
    expect(page.locator(".live-player a")).to_be_focused()
    expect(page.locator("audio")).to_have_count(0)


def test_the_play_button_works_from_the_keyboard(page, on_air):
    page.goto("/live/")
    play = page.get_by_role("button", name=LISTEN)
    play.focus()
    with page.expect_request(STREAM):
        page.keyboard.press("Space")
