"""Partner users never reach another partner's object in the admin, by any URL of any view."""

import pytest
from django.test import Client

from tests.admin_scoping import (
    assert_media_keeps_out,
    assert_views_keep_out,
    partner_scoped_viewsets,
)
from tests.factories import DocumentFactory, ImageFactory, UserFactory

VIEWSETS = partner_scoped_viewsets()


def test_the_scoped_viewsets_are_found():
    assert {viewset.model._meta.label for viewset in VIEWSETS} >= {
        "muurkrant.Post",
        "feeds.Source",
        "mediahub.Partner",
        "muurkrant.PartnerToken",
    }


@pytest.mark.parametrize("viewset", VIEWSETS, ids=lambda viewset: viewset.model._meta.label)
def test_another_partners_object_is_out_of_reach_by_every_url(viewset, partner_user, other_partner):
    partner_client, admin_client = Client(), Client()
    partner_client.force_login(partner_user)
    admin_client.force_login(UserFactory(is_superuser=True))

    checked = assert_views_keep_out(viewset, partner_client, admin_client, other_partner)

    assert {name.rsplit(":", 1)[1] for name in checked} >= {"edit", "delete", "history", "usage"}


@pytest.mark.parametrize("kind", ["image", "document"])
def test_another_partners_media_is_out_of_reach_by_every_url(
    kind, partner_user, partner, other_partner, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    factory = {"image": ImageFactory, "document": DocumentFactory}[kind]
    factory(partner=partner, title="Eigen beeldmateriaal")  # the partner's own: views have rows
    foreign = factory(partner=other_partner, title="Geheim van Radio Elders")
    partner_client, admin_client = Client(), Client()
    partner_client.force_login(partner_user)
    admin_client.force_login(UserFactory(is_superuser=True))

    checked = assert_media_keeps_out(kind, foreign, partner_client, admin_client)

    assert {name.rsplit(":", 1)[1] for name in checked} >= {
        "index", "edit", "delete", "chosen", "choose", "listing", "detail",
    }  # fmt: skip
