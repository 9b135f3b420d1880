"""An editor walks the moderation queue with "approve and next" under the admin's CSP."""

import pytest

from muurkrant.models import Post
from tests.browser.test_admin_flow import log_in

pytestmark = pytest.mark.django_db(transaction=True)

APPROVE_AND_NEXT = "form[action$='/approve/'] button[name=then][value=next]"


def test_editor_approves_and_moves_on_to_the_next_post(page, editor, make_post):
    make_post(title="Eerste bericht", status=Post.Status.PENDING)
    second = make_post(title="Tweede bericht", status=Post.Status.PENDING)

    log_in(page, "redacteur", "pw-editor-1")
    page.goto("/admin/snippets/muurkrant/post/moderation/")
    page.get_by_role("link", name="Eerste bericht").click()
    page.locator(APPROVE_AND_NEXT).click()
    page.wait_for_url(f"**/admin/snippets/muurkrant/post/inspect/{second.pk}/")
    page.locator(APPROVE_AND_NEXT).click()
    page.wait_for_url("**/admin/snippets/muurkrant/post/moderation/")

    assert set(Post.objects.values_list("status", flat=True)) == {Post.Status.PUBLISHED}
    assert page.console_errors == []
    assert page.foreign_requests == []
