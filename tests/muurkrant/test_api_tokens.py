"""Settings → API tokens as partner users and editors use it, and the API's answer to the
tokens made there: each acts for its partner, and is refused once revoked or expired."""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from wagtail.models import APIToken

from mediahub.models import Membership
from muurkrant.models import PartnerToken, Post
from tests.factories import EditorFactory, PartnerTokenFactory, PartnerUserFactory

LIST = "wagtailsnippets_muurkrant_partnertoken:list"
ADD = "wagtailsnippets_muurkrant_partnertoken:add"
EDIT = "wagtailsnippets_muurkrant_partnertoken:edit"
REVOKE = "wagtailsnippets_muurkrant_partnertoken:delete"


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", **headers}


def shown_token(response) -> str:
    """The plaintext token on the page, if any."""
    found = re.search(r"wagtail_[0-9A-Za-z]{20,}", response.content.decode())
    return found.group(0) if found else ""


@pytest.fixture
def own_token(partner) -> PartnerToken:
    return PartnerTokenFactory(partner=partner, name="Eigen koppeling")


@pytest.fixture
def foreign_token(other_partner) -> PartnerToken:
    return PartnerTokenFactory(partner=other_partner, name="Andermans koppeling")


@pytest.fixture
def editor_client(editor) -> Client:
    client = Client()
    client.force_login(editor)
    return client


# --- the screen ---------------------------------------------------------------------------


def test_the_settings_menu_leads_partner_users_to_api_tokens(partner_client):
    response = partner_client.get("/admin/")
    assert reverse(LIST) in response.content.decode()


def test_a_partner_user_sees_only_their_own_partners_tokens(
    partner_client, own_token, foreign_token
):
    response = partner_client.get(reverse(LIST))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Eigen koppeling" in page
    assert own_token.token.prefix in page
    assert "Andermans koppeling" not in page
    assert foreign_token.token.prefix not in page


def test_an_editor_sees_every_partners_tokens_with_their_details(
    editor_client, own_token, foreign_token
):
    own_token.token.last_used_at = timezone.now()
    own_token.token.save()

    page = editor_client.get(reverse(LIST), HTTP_ACCEPT_LANGUAGE="en").content.decode()

    for token in (own_token, foreign_token):
        assert token.token.name in page
        assert token.token.prefix in page
        assert token.partner.name in page
        assert token.token.user.username in page
    for heading in ("Created", "Last used", "Expires", "Revoked", "Status"):
        assert heading in page


def test_a_partner_user_creates_a_token_that_is_shown_once(partner_client, partner):
    form = partner_client.get(reverse(ADD))
    assert form.status_code == 200
    assert not shown_token(form)
    expires_on = timezone.localdate() + datetime.timedelta(days=30)
    response = partner_client.post(
        reverse(ADD), {"name": "Website", "partner": partner.pk, "expires_on": expires_on}
    )

    assert response.status_code == 200
    plaintext = shown_token(response)
    assert APIToken.validate_token_format(plaintext)
    stored = PartnerToken.objects.get(token__key_hash=APIToken.hash_token(plaintext))
    assert stored.partner == partner
    assert stored.token.name == "Website"
    assert timezone.localtime(stored.expires_at).date() == expires_on
    assert not APIToken.objects.filter(key_hash=plaintext).exists()  # only its hash is kept

    for url in (reverse(LIST), reverse(EDIT, args=[stored.pk])):
        page = partner_client.get(url)
        assert page.status_code == 200
        assert plaintext not in page.content.decode()
        assert not shown_token(page)

    assert Client().get("/api/v1/posts", **bearer(plaintext)).status_code == 200


def test_a_partner_user_cannot_make_a_token_for_another_partner(partner_client, other_partner):
    response = partner_client.post(reverse(ADD), {"name": "Kaping", "partner": other_partner.pk})

    assert response.status_code == 200
    assert not shown_token(response)
    assert not PartnerToken.objects.exists()


def test_an_expiry_date_must_lie_ahead(partner_client, partner):
    today = timezone.localdate()
    response = partner_client.post(
        reverse(ADD), {"name": "Gisteren", "partner": partner.pk, "expires_on": today}
    )

    assert not shown_token(response)
    assert not PartnerToken.objects.exists()


def test_a_partner_user_revokes_their_own_token(partner_client, own_token):
    response = partner_client.post(reverse(REVOKE, args=[own_token.pk]))

    assert response.status_code == 302
    own_token.token.refresh_from_db()
    assert own_token.token.revoked_at is not None
    assert PartnerToken.objects.filter(pk=own_token.pk).exists()  # kept for the record


def test_another_partners_token_cannot_be_revoked_or_renamed_by_url(partner_client, foreign_token):
    for url in (reverse(REVOKE, args=[foreign_token.pk]), reverse(EDIT, args=[foreign_token.pk])):
        assert partner_client.get(url).status_code == 404
        assert partner_client.post(url, {"name": "Overgenomen"}).status_code == 404

    foreign_token.token.refresh_from_db()
    assert foreign_token.token.revoked_at is None
    assert foreign_token.token.name == "Andermans koppeling"


def test_an_editor_revokes_any_token(editor_client, foreign_token):
    assert editor_client.post(reverse(REVOKE, args=[foreign_token.pk])).status_code == 302

    foreign_token.token.refresh_from_db()
    assert foreign_token.token.revoked_at is not None


def test_revoking_needs_the_csrf_token(partner_user, own_token):
    client = Client(enforce_csrf_checks=True)
    client.force_login(partner_user)

    assert client.post(reverse(REVOKE, args=[own_token.pk])).status_code == 403
    own_token.token.refresh_from_db()
    assert own_token.token.revoked_at is None


def test_users_without_a_partner_have_no_token_screen(partner_user):
    Membership.objects.filter(user=partner_user).delete()
    client = Client()
    client.force_login(partner_user)

    assert client.get(reverse(LIST)).status_code in (302, 403)


# --- the API ------------------------------------------------------------------------------


@pytest.fixture
def issued(partner_user, partner) -> tuple[PartnerToken, str]:
    return PartnerToken.objects.issue(user=partner_user, partner=partner, name="Website")


def test_the_api_records_a_tokens_last_use(client, issued):
    partner_token, plaintext = issued
    assert partner_token.token.last_used_at is None

    assert client.get("/api/v1/posts", **bearer(plaintext)).status_code == 200

    partner_token.token.refresh_from_db()
    assert partner_token.token.last_used_at is not None


def test_a_revoked_token_gets_401_saying_so(client, partner_client, issued):
    partner_token, plaintext = issued
    partner_client.post(reverse(REVOKE, args=[partner_token.pk]))

    response = client.get("/api/v1/posts", **bearer(plaintext))

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert "revoked" in response.json()["detail"]


def test_an_expired_token_gets_401_saying_so(client, issued):
    partner_token, plaintext = issued
    assert client.get("/api/v1/posts", **bearer(plaintext)).status_code == 200
    PartnerToken.objects.filter(pk=partner_token.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )

    response = client.get("/api/v1/posts", **bearer(plaintext))

    assert response.status_code == 401
    assert "expired" in response.json()["detail"]


def test_a_token_acts_for_the_partner_it_was_made_for(client, partner_user, partner, other_partner):
    Membership.objects.create(user=partner_user, partner=other_partner)
    _, plaintext = PartnerToken.objects.issue(
        user=partner_user, partner=other_partner, name="Tweede"
    )
    body = {"data": '{"title": "Voor wie?"}', "content_type": "application/json"}

    assert client.post("/api/v1/posts", **body, **bearer(plaintext)).status_code == 201
    assert Post.objects.get().partner == other_partner

    response = client.get("/api/v1/posts", **bearer(plaintext, HTTP_X_PARTNER=partner.slug))
    assert response.status_code == 401
    assert other_partner.slug in response.json()["detail"]


def test_a_token_stops_when_its_user_leaves_the_partner(client, partner_user, issued):
    _, plaintext = issued
    Membership.objects.filter(user=partner_user).delete()

    response = client.get("/api/v1/posts", **bearer(plaintext))

    assert response.status_code == 401
    assert "no longer" in response.json()["detail"]


def test_a_token_not_made_for_a_partner_is_refused(client, partner_user):
    _, plaintext = APIToken.create_token(user=partner_user, name="Kaal")

    response = client.get("/api/v1/posts", **bearer(plaintext))

    assert response.status_code == 401
    assert "partner" in response.json()["detail"]


def test_an_editors_token_acts_for_the_partner_it_was_made_for(client, other_partner):
    _, plaintext = PartnerToken.objects.issue(
        user=EditorFactory(), partner=other_partner, name="Redactie"
    )
    assert client.get("/api/v1/posts", **bearer(plaintext)).status_code == 200


# --- the command ---------------------------------------------------------------------------


def test_the_command_makes_a_token_for_the_partner_that_expires(client, partner, groups):
    out = StringIO()
    expires_on = timezone.localdate() + datetime.timedelta(days=7)
    call_command(
        "create_api_token", "--partner", partner.slug, "--expires", str(expires_on), stdout=out
    )
    plaintext = out.getvalue().strip().splitlines()[-1]

    stored = PartnerToken.objects.get(token__key_hash=APIToken.hash_token(plaintext))
    assert stored.partner == partner
    assert timezone.localtime(stored.expires_at).date() == expires_on
    assert client.get("/api/v1/posts", **bearer(plaintext)).status_code == 200


def test_the_command_refuses_an_expiry_in_the_past(partner, groups):
    with pytest.raises(CommandError, match="future"):
        call_command(
            "create_api_token",
            "--partner",
            partner.slug,
            "--expires",
            "2020-01-01",
            stdout=StringIO(),
        )
    assert not PartnerToken.objects.exists()


# --- tokens made before -------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_migration_gives_earlier_tokens_their_users_only_partner(partner, other_partner):
    before, after = [("muurkrant", "0008_info_pages")], [("muurkrant", "0009_partner_tokens")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        single = PartnerUserFactory(partner=partner)
        double = PartnerUserFactory(partner=partner)
        Membership.objects.create(user=double, partner=other_partner)
        single_token, _ = APIToken.create_token(user=single, name="een")
        double_token, _ = APIToken.create_token(user=double, name="twee")

        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)

        single_partner = PartnerToken.objects.get(token=single_token).partner
        double_partner = PartnerToken.objects.get(token=double_token).partner
    finally:
        # Back to the latest schema, for the tests that share this database after this one.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    assert single_partner == partner
    assert double_partner is None
