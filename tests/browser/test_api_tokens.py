"""A partner user makes an API token in Settings → API tokens, copies it once, and revokes it."""

import pytest
from wagtail.models import APIToken

from muurkrant.models import PartnerToken
from tests.browser.test_admin_flow import log_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_partner_user_makes_and_revokes_a_token(page, partner_user, partner):
    log_in(page, "omroepmens", "pw-partner-1")
    page.goto("/admin/snippets/muurkrant/partnertoken/")
    page.locator("a[href$='/partnertoken/add/']").first.click()
    page.fill("#id_name", "Website")
    page.locator("button.action-save").click()

    shown = page.locator("#api-token-value").input_value()
    assert APIToken.validate_token_format(shown)
    token = PartnerToken.objects.get(token__key_hash=APIToken.hash_token(shown))
    assert token.partner == partner

    page.goto("/admin/snippets/muurkrant/partnertoken/")
    assert shown not in page.content()
    assert page.get_by_text("Website").first.is_visible()
    page.goto(f"/admin/snippets/muurkrant/partnertoken/delete/{token.pk}/")
    page.locator("form button.serious").click()
    page.wait_for_url("**/admin/snippets/muurkrant/partnertoken/")
    token.token.refresh_from_db()
    assert token.token.revoked_at is not None
    assert page.console_errors == []
    assert page.foreign_requests == []
