"""The second factor over HTTP: every admin URL waits for it, codes and recovery codes open the
admin once each, and enrolling shows the QR code drawn here with the secret as text."""

import time

import pytest
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mediahub.accounts import mfa
from tests.factories import UserFactory
from tests.mediahub.test_login import dutch

ADMIN_PAGES = ["/admin/", "/admin/snippets/muurkrant/post/", "/admin/account/", "/admin/2fa/"]


def code_for(device: TOTPDevice, steps_ahead: int = 0) -> str:
    """What the user's app shows (a step ahead: a code not used yet, as the app will show)."""
    app = TOTP(device.bin_key, device.step, device.t0, device.digits)
    app.time = time.time() + steps_ahead * device.step
    return f"{app.token():0{device.digits}d}"


def enrolled(user) -> tuple[TOTPDevice, list[str]]:
    """The user's confirmed authenticator and recovery codes, as after enrolling."""
    device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=True)
    return device, mfa.new_recovery_codes(user)


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED = True


@pytest.fixture
def superuser(db):
    return UserFactory(username="beheerder", is_superuser=True, is_staff=True)


@pytest.mark.django_db
@pytest.mark.usefixtures("required")
@pytest.mark.parametrize("role", ["editor", "partner_user", "superuser"])
def test_an_admin_user_without_a_device_is_sent_to_enrol_from_every_admin_page(
    client, role, request
):
    client.force_login(request.getfixturevalue(role))
    for url in ADMIN_PAGES:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/2fa/enrol/?next="), url
    assert client.get("/admin/2fa/enrol/").status_code == 200
    assert client.get("/muurkrant/").status_code == 200  # the public site asks nothing


@pytest.mark.django_db
@pytest.mark.usefixtures("required")
def test_an_enrolled_user_is_sent_to_the_code_page_until_verified(client, editor):
    device, _codes = enrolled(editor)
    client.force_login(editor)
    for url in [*ADMIN_PAGES, "/admin/2fa/enrol/", "/admin/2fa/remove/"]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith("/admin/2fa/code/?next="), url
    assert client.get("/admin/2fa/code/").status_code == 200
    assert client.get("/admin/login/").status_code in {200, 302}
    assert client.post("/admin/logout/").status_code == 302


@pytest.mark.django_db
def test_without_the_requirement_only_enrolled_users_are_asked(client, editor, partner_user):
    client.force_login(partner_user)
    assert client.get("/admin/").status_code == 200
    enrolled(editor)
    client.force_login(editor)
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/code/")


@pytest.mark.django_db
@pytest.mark.usefixtures("required")
def test_a_code_from_the_app_opens_the_admin_once(client, editor):
    device, _codes = enrolled(editor)
    client.force_login(editor)
    code = code_for(device)

    response = client.post("/admin/2fa/code/?next=/admin/account/", {"code": code})
    assert response.status_code == 302 and response["Location"] == "/admin/account/"
    assert client.get("/admin/").status_code == 200

    client.force_login(editor)  # a new session: the same code is not accepted twice
    replay = client.post("/admin/2fa/code/", {"code": code})
    assert replay.status_code == 200
    assert dutch("This code is not valid. Try the current code from your app.") in replay.text


@pytest.mark.django_db
@pytest.mark.usefixtures("required")
def test_a_wrong_code_is_refused_with_a_message(client, editor):
    device, _codes = enrolled(editor)
    client.force_login(editor)
    wrong = f"{(int(code_for(device)) + 1) % 1_000_000:06d}"
    response = client.post("/admin/2fa/code/", {"code": wrong})
    assert response.status_code == 200
    assert dutch("This code is not valid. Try the current code from your app.") in response.text
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/code/")


@pytest.mark.django_db
@pytest.mark.usefixtures("required")
def test_a_recovery_code_works_once(client, editor):
    _device, (first, *others) = enrolled(editor)
    client.force_login(editor)
    assert client.post("/admin/2fa/code/", {"code": first.upper()}).status_code == 302
    assert first not in mfa.recovery_codes(editor) and len(others) == 9

    client.force_login(editor)
    assert client.post("/admin/2fa/code/", {"code": first}).status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("required")
def test_the_next_page_stays_on_this_site(client, editor):
    device, _codes = enrolled(editor)
    client.force_login(editor)
    response = client.post(
        "/admin/2fa/code/?next=https://elders.example/", {"code": code_for(device)}
    )
    assert response["Location"] == "/admin/"


@pytest.mark.django_db
@pytest.mark.usefixtures("required")
def test_enrolling_shows_a_local_qr_code_and_the_secret_and_confirms_with_a_code(client, editor):
    client.force_login(editor)
    page = client.get("/admin/2fa/enrol/").text
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert '<svg width="' in page and 'class="mfa-qr"' in page
    assert mfa.secret_text(device) in page
    assert "http" not in page[page.index("<svg") : page.index("</svg>")]
    assert client.get("/admin/2fa/enrol/").text.count(mfa.secret_text(device)) == 1  # the same

    assert client.post("/admin/2fa/enrol/", {"code": "000000x"}).status_code == 200
    response = client.post("/admin/2fa/enrol/", {"code": code_for(device)})
    assert response["Location"] == "/admin/2fa/"
    security = client.get("/admin/2fa/").text
    codes = mfa.recovery_codes(editor)
    assert len(codes) == 10 and all(code in security for code in codes)
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
@pytest.mark.usefixtures("required")
def test_new_recovery_codes_replace_the_old_ones(client, editor):
    device, old = enrolled(editor)
    client.force_login(editor)
    client.post("/admin/2fa/code/", {"code": code_for(device)})
    assert client.post("/admin/2fa/").status_code == 302
    new = mfa.recovery_codes(editor)
    assert len(new) == 10 and not set(new) & set(old)


@pytest.mark.django_db
@pytest.mark.usefixtures("required")
def test_re_enrolling_replaces_the_device_and_removing_asks_to_enrol_again(client, editor):
    old, _codes = enrolled(editor)
    client.force_login(editor)
    client.post("/admin/2fa/code/", {"code": code_for(old)})
    client.get("/admin/2fa/enrol/")
    new = TOTPDevice.objects.get(user=editor, confirmed=False)
    assert client.post("/admin/2fa/enrol/", {"code": code_for(new)}).status_code == 302
    assert list(TOTPDevice.objects.filter(user=editor)) == [new]

    assert client.post("/admin/2fa/remove/").status_code == 302
    assert not TOTPDevice.objects.filter(user=editor).exists()
    assert not StaticToken.objects.filter(device__user=editor).exists()
    assert client.get("/admin/")["Location"].startswith("/admin/2fa/enrol/")


@pytest.mark.django_db
@pytest.mark.usefixtures("required")
def test_a_user_without_admin_access_is_not_asked(client, groups):
    client.force_login(UserFactory(username="lezer"))
    assert client.get("/admin/")["Location"].startswith("/admin/login/")
