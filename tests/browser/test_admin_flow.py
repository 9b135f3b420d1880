"""A partner posts in the admin, cannot reach another partner's post, and an editor approves it."""

import pytest

from muurkrant.models import Post, WallPage
from tests.factories import PartnerUserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, username: str, password: str) -> None:
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")


def test_partner_posts_and_editor_approves(page, editor, other_partner, partner, make_post):
    assert WallPage.objects.live().exists()
    PartnerUserFactory(username="eldersmens", password="pw-elders-1", partner=other_partner)
    foreign = make_post(partner=partner, title="Bericht van een ander")

    log_in(page, "eldersmens", "pw-elders-1")
    page.goto("/admin/snippets/muurkrant/post/add/")
    page.fill("#id_title", "Buurtfeest in de Elders")
    page.fill("#id_summary", "Zaterdag feest op het plein.")
    page.locator("button.action-save").click()
    page.wait_for_url("**/admin/snippets/muurkrant/post/")
    assert page.get_by_text("Buurtfeest in de Elders").first.is_visible()
    post = Post.objects.get(title="Buurtfeest in de Elders")
    assert (post.partner, post.status) == (other_partner, Post.Status.PENDING)

    refused = page.goto(f"/admin/snippets/muurkrant/post/edit/{foreign.pk}/")
    assert refused.status == 404
    assert "Bericht van een ander" not in page.content()
    page.console_errors.clear()  # the browser reports the refusal's 404 itself

    log_in(page, "redacteur", "pw-editor-1")
    page.goto("/admin/snippets/muurkrant/post/moderation/")
    page.get_by_role("link", name="Buurtfeest in de Elders").click()
    page.locator("form[action$='/approve/'] button:not([name])").click()
    page.wait_for_load_state()
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED

    page.goto("/muurkrant/")
    assert page.get_by_role("heading", name="Buurtfeest in de Elders").is_visible()
    assert page.console_errors == []
    assert page.foreign_requests == []
