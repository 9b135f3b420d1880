"""A partner user takes over another partner's post from the Pool; the Pool passes axe-core."""

import pytest

from muurkrant.models import Post
from tests.browser.conftest import describe_violations
from tests.browser.test_admin_flow import log_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def pool_posts(partner, other_partner, make_post, partner_user) -> dict[str, Post]:
    return {
        "theirs": make_post(partner=other_partner, title="Kermis op het plein"),
        "own_draft": make_post(title="Eigen concept", status=Post.Status.DRAFT),
    }


def test_a_partner_takes_over_a_post_from_the_pool(page, partner, pool_posts):
    log_in(page, "omroepmens", "pw-partner-1")
    page.goto("/admin/pool/")
    row = page.get_by_role("row").filter(has_text="Kermis op het plein")
    row.locator("button[type=submit]").click()
    page.wait_for_url("**/admin/pool/")

    copy = Post.objects.get(partner=partner, title="Kermis op het plein")
    success = page.locator(".messages .success")
    assert success.locator(f"a[href='/admin/snippets/muurkrant/post/edit/{copy.pk}/']").is_visible()
    assert page.console_errors == []
    assert page.foreign_requests == []


def test_the_pool_has_no_wcag_violations(page, axe_violations, pool_posts):
    log_in(page, "omroepmens", "pw-partner-1")
    page.goto("/admin/pool/")
    assert page.get_by_text("Eigen concept").is_visible()
    violations = axe_violations()
    assert violations == [], describe_violations(violations)
