"""The wall on a phone and a desktop: news first, filters folded away, the lead story in view."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from muurkrant.models import Post
from tests.browser.conftest import describe_violations
from tests.factories import ImageFactory, WijkFactory

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1366, "height": 768}
# Set WALL_SCREENSHOTS=1 to refresh the README's pictures of the wall from these tests.
DOCS = Path(__file__).resolve().parents[2] / "docs"


def screenshot(page, name: str) -> None:
    if os.environ.get("WALL_SCREENSHOTS"):
        page.screenshot(path=DOCS / name)


@pytest.fixture
def front_posts(make_post, partner, other_partner) -> list[Post]:
    """A lead with a picture, highlights and older days, from two partners, one with a logo."""
    partner.logo = ImageFactory(title="Logo RTV Test")
    partner.save()
    centrum = WijkFactory(name="Centrum")
    now = timezone.now()
    posts = [
        make_post(
            title="Fietsbrug over de Vecht geopend",
            summary="Fietsers en wandelaars steken vanaf vandaag over zonder omweg.",
            image=ImageFactory(title="Fietsbrug"),
            image_alt="De nieuwe fietsbrug bij zonsopgang",
            published_at=now - timedelta(minutes=20),
        ),
        make_post(
            title="Raadsvergadering over de begroting",
            kind=Post.Kind.VIDEO,
            duration_seconds=205,
            image=ImageFactory(title="Raad"),
            image_alt="De raadszaal",
            published_at=now - timedelta(hours=2),
        ),
        make_post(
            title="Wijkradio: bewoners aan het woord",
            kind=Post.Kind.AUDIO,
            duration_seconds=1530,
            partner=other_partner,
            published_at=now - timedelta(hours=3),
        ),
        make_post(title="Markt gaat door", published_at=now - timedelta(hours=4)),
    ]
    for days in range(1, 5):
        posts.append(
            make_post(
                title=f"Nieuws van {days} dagen terug",
                summary="Een bericht zonder beeld, alleen tekst.",
                partner=other_partner if days % 2 else partner,
                published_at=now - timedelta(days=days),
            )
        )
    posts[0].wijken.add(centrum)
    posts[0].save()
    return posts


def test_on_a_phone_the_first_post_is_above_the_fold_and_filters_are_folded(page, front_posts):
    page.set_viewport_size(PHONE)
    page.goto("/muurkrant/")
    first = page.locator(".card").first
    assert first.locator(".card__title").inner_text() == "Fietsbrug over de Vecht geopend"
    assert first.bounding_box()["y"] < PHONE["height"]
    assert not page.locator(".filter-form").is_visible()
    screenshot(page, "wall-phone.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.locator(".wall__filters summary").click()
    assert page.locator(".filter-form").is_visible()


def test_on_a_phone_filtered_results_come_first_with_chips(page, front_posts):
    page.set_viewport_size(PHONE)
    page.goto("/muurkrant/?kind=video")
    chip = page.locator(".active-filters .chip")
    assert chip.count() == 1
    assert page.locator(".card").first.bounding_box()["y"] < PHONE["height"]
    chip.get_by_role("link").click()
    page.wait_for_url("**/muurkrant/")
    assert page.locator(".front__lead").is_visible()


def test_on_a_desktop_the_lead_story_is_in_view_and_text_cards_have_no_empty_box(page, front_posts):
    page.set_viewport_size(DESKTOP)
    page.goto("/muurkrant/")
    lead = page.locator(".front__lead .card")
    box = lead.bounding_box()
    assert box["y"] < DESKTOP["height"] and box["width"] > DESKTOP["width"] / 2
    assert lead.locator("img.card__image").is_visible()
    screenshot(page, "wall-desktop.png")
    for card in page.locator(".card--text").all():
        assert card.locator("img.card__image").count() == 0
        title, body = card.locator(".card__title"), card.locator(".card__body")
        # The card is as tall as what it says: no blank picture-sized space below the text.
        assert card.bounding_box()["height"] <= body.bounding_box()["height"] + 4
        assert title.is_visible()
    assert page.locator(".card__duration").first.inner_text() == "3:25"
    assert not page.foreign_requests


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_front_page_wall_has_no_wcag_violations(page, axe_violations, front_posts, language):
    page.goto("/muurkrant/")
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_selector('html[lang="en"]')
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        for url in ("/muurkrant/", "/muurkrant/?kind=article&wijk=centrum"):
            page.goto(url)
            assert page.locator("html").get_attribute("lang") == language
            page.locator(".wall__filters summary").click()
            violations = axe_violations()
            assert violations == [], (
                f"{url} {size} ({language}):\n{describe_violations(violations)}"
            )
