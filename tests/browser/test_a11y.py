"""WCAG 2.1 AA by axe-core on every kind of page a resident (or an editor, logging in) sees."""

import pytest
from django.utils import timezone

from mediahub.models import Partner
from muurkrant.models import Post, PostReadCount
from muurkrant.stories import merge
from tests.browser.conftest import describe_violations
from tests.browser.test_admin_flow import log_in
from tests.factories import SourceFactory, WijkFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def wall_posts(make_post, partner, other_partner) -> dict[str, Post]:
    partner.description = "Lokale radio en tv voor de hele stad."
    partner.website = "https://rtv-test.example"
    partner.save()
    centrum = WijkFactory(name="Centrum")
    article = make_post(title="Fietsbrug geopend", summary="Fietsers zijn sneller in Noord.")
    article.wijken.add(centrum)
    article.tags.add("verkeer")
    article.save()
    video = make_post(
        title="De markt in beeld",
        kind=Post.Kind.VIDEO,
        video_provider="youtube",
        video_id="dQw4w9WgXcQ",
        video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    audio = make_post(
        title="Wijkradio: bewoners aan het woord",
        kind=Post.Kind.AUDIO,
        duration_seconds=1530,
        enclosure_url="https://rtv-test.example/wijkradio.mp3",
        enclosure_type="audio/mpeg",
    )
    copy = make_post(
        title="Fietsbrug open voor fietsers",
        summary="De brug in Noord is open.",
        partner=other_partner,
    )
    return {"article": article, "video": video, "audio": audio, "copy": copy}


def assert_accessible(page, axe_violations, url: str) -> None:
    page.goto(url)
    violations = axe_violations()
    assert violations == [], f"{url}:\n{describe_violations(violations)}"


def resident_urls(wall_posts: dict[str, Post], editor) -> list[str]:
    """One URL of every kind of page a resident can reach, with content and without."""
    article = wall_posts["article"]
    story = merge([article, wall_posts["copy"]], editor)
    return [
        "/",
        "/muurkrant/",
        "/muurkrant/?wijk=centrum&kind=article&q=fietsbrug",
        "/muurkrant/?tag=verkeer",
        "/muurkrant/?q=onvindbaarwoord&kind=video",
        article.get_absolute_url(),
        wall_posts["video"].get_absolute_url(),
        wall_posts["audio"].get_absolute_url(),
        story.get_absolute_url(),
        f"{article.get_absolute_url()}melden/",
        "/partners/",
        f"/partners/{article.partner.slug}/",
        "/live/",
        "/over/",
        "/privacy/",
        "/toegankelijkheid/",
        "/embed/wall/",
        "/scherm/",
        "/bestaat-niet/",
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_resident_page_has_no_wcag_violations_in_both_languages_nor_third_party_requests(
    page, axe_violations, wall_posts, editor, language
):
    partner = Partner.objects.get(slug="rtv-test")
    partner.channels = "FM 105.3\nKabel kanaal 42"
    partner.stream_url = "https://stream.rtv-test.example/live.mp3"
    partner.save()
    urls = resident_urls(wall_posts, editor)
    page.goto("/over/")
    if language == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_selector('html[lang="en"]')
    failures = []
    for url in urls:
        expected = 404 if url == "/bestaat-niet/" else 200
        assert page.goto(url).status == expected, url
        assert page.locator("html").get_attribute("lang") == language, url
        violations = axe_violations()
        if violations:
            failures.append(f"{url} ({language}):\n{describe_violations(violations)}")
    assert failures == [], "\n".join(failures)
    assert page.foreign_requests == [], "a page asked another site before the resident chose to"


def test_report_form_with_errors_has_no_wcag_violations(page, axe_violations, wall_posts):
    page.goto(f"{wall_posts['article'].get_absolute_url()}melden/")
    page.get_by_role("button", name="Melding versturen").click()
    page.wait_for_selector(".error-summary")
    violations = axe_violations()
    assert violations == [], describe_violations(violations)


def test_admin_login_has_no_wcag_violations(page, axe_violations):
    assert_accessible(page, axe_violations, "/admin/login/")


@pytest.mark.parametrize("login", [("redacteur", "pw-editor-1"), ("omroepmens", "pw-partner-1")])
def test_admin_home_with_the_dashboard_has_no_wcag_violations(
    page, axe_violations, wall_posts, editor, partner_user, login
):
    failing = SourceFactory(partner=wall_posts["article"].partner, title="Sport", error_count=2)
    failing.last_error = "HTTP 500"
    failing.save()
    PostReadCount.objects.create(post=wall_posts["article"], day=timezone.localdate(), count=4)
    log_in(page, *login)
    page.goto("/admin/")
    page.locator("#dashboard-daily-reads").wait_for(state="attached")
    # Open the chart's table alternative, so that axe-core checks it too.
    page.locator("details:has(#dashboard-daily-reads) > summary").click()
    violations = axe_violations()
    assert violations == [], describe_violations(violations)
    assert page.console_errors == []
