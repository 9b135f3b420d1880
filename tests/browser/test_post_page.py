"""A post page in a real browser: the aside beside the article on desktop, below it on a phone,
and no WCAG violations in either language."""

import pytest

from muurkrant.models import Post
from tests.browser.conftest import describe_violations
from tests.factories import ImageFactory, PostFactory, WijkFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def post(make_post, partner, other_partner) -> Post:
    """A post with everything its page can show: logo, image, tags, wijk and posts around it."""
    partner.logo = ImageFactory(title="Logo RTV")
    partner.description = "Lokale radio en tv voor de hele stad."
    partner.save()
    noord = WijkFactory(name="Noord")
    post = make_post(
        title="Fietsbrug geopend",
        summary="De fietsbrug over de haven is open.",
        body="<p>De burgemeester knipte het lint door. Fietsers zijn sneller in Noord.</p>",
        image=ImageFactory(title="De brug"),
        image_alt="De nieuwe fietsbrug",
        wijken=[noord],
    )
    post.tags.add("verkeer")
    post.save()
    make_post(title="Markt verhuist", image=ImageFactory(title="Markt"), image_alt="Kramen")
    make_post(title="Concert in het park")
    PostFactory(partner=other_partner, title="Speeltuin in Noord", wijken=[noord])
    return post


def boxes(page, url: str) -> tuple[dict, dict]:
    page.goto(url)
    return page.locator("article.post").bounding_box(), page.locator("aside").bounding_box()


def test_on_a_desktop_the_aside_stands_beside_the_article(page, post):
    page.set_viewport_size({"width": 1366, "height": 768})
    article, aside = boxes(page, post.get_absolute_url())
    assert aside["x"] >= article["x"] + article["width"]
    assert aside["y"] < article["y"] + article["height"]
    assert aside["y"] == pytest.approx(article["y"], abs=2)
    assert page.console_errors == []
    assert page.foreign_requests == []


def test_on_a_phone_the_aside_follows_the_article(page, post):
    page.set_viewport_size({"width": 360, "height": 740})
    article, aside = boxes(page, post.get_absolute_url())
    assert aside["y"] >= article["y"] + article["height"]
    assert aside["x"] == pytest.approx(article["x"], abs=2)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360  # nothing wider than the phone


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_post_page_has_no_wcag_violations(page, axe_violations, post, language):
    page.goto(post.get_absolute_url())
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_selector('html[lang="en"]')
        page.goto(post.get_absolute_url())
    assert page.locator("html").get_attribute("lang") == language
    assert page.locator("#more-from-partner li").count() == 2
    assert page.locator("#more-in-wijk li").count() == 1
    violations = axe_violations()
    assert violations == [], f"{language}:\n{describe_violations(violations)}"
