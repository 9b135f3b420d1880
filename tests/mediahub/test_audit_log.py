"""The audit log as partners and editors see it in the admin's reports."""

import pytest
from wagtail.log_actions import log

from mediahub.models import PartnerLogEntry

pytestmark = pytest.mark.django_db


def test_partner_objects_log_with_their_partner(make_post, other_partner, editor):
    post = make_post(title="Eigen bericht")
    log(post, "wagtail.edit", user=editor)
    entry = PartnerLogEntry.objects.for_instance(post).get()
    assert entry.partner == post.partner and entry.label == "Eigen bericht"


def test_site_history_shows_a_partner_only_their_own_entries(
    client, partner_user, editor, make_post, other_partner
):
    mine = make_post(title="Ons eigen nieuws")
    theirs = make_post(title="Geheim concept van de buren", partner=other_partner)
    log(mine, "wagtail.create", user=editor)
    log(theirs, "wagtail.create", user=editor)

    client.force_login(partner_user)
    page = client.get("/admin/reports/site-history/")
    assert page.status_code == 200
    assert "Ons eigen nieuws" in page.text
    assert "Geheim concept van de buren" not in page.text

    client.force_login(editor)
    page = client.get("/admin/reports/site-history/")
    assert "Geheim concept van de buren" in page.text
