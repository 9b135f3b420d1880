"""Admin login against brute force: a lockout per username and address, and a command to lift it;
password rules and how long a session lasts."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.utils import translation
from django.utils.translation import gettext

LOGIN = "/admin/login/"


def dutch(message: str) -> str:
    """A message as the Dutch admin shows it (English until the catalogue has it)."""
    with translation.override("nl"):
        return gettext(message)


def log_in(client, password: str, address: str = "203.0.113.5", **extra):
    data = {"username": "redacteur", "password": password}
    return client.post(LOGIN, data, REMOTE_ADDR=address, **extra)


def logged_in(client) -> bool:
    return "_auth_user_id" in client.session


@pytest.mark.django_db
def test_thirty_wrong_passwords_then_the_right_one_does_not_log_in(client, editor, settings):
    for _ in range(30):
        assert log_in(client, "geraden").status_code in {200, 429}
    response = log_in(client, "pw-editor-1")

    assert response.status_code == 429
    assert not logged_in(client)
    page = response.content.decode()
    assert dutch("Sign-in blocked") in page
    assert dutch("Try again later, or ask an administrator to unblock your account.") in page
    assert 'class="login"' in page  # the admin's login look, not a bare error text


@pytest.mark.django_db
def test_the_lockout_starts_at_the_limit_and_resets_on_success(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert log_in(client, "geraden").status_code == 200
    assert log_in(client, "pw-editor-1").status_code == 302
    assert not AccessAttempt.objects.exists()  # a success forgets the failures before it


@pytest.mark.django_db
def test_the_lockout_is_per_username_and_address(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "geraden")
    assert log_in(client, "pw-editor-1").status_code == 429
    assert log_in(client, "pw-editor-1", address="198.51.100.9").status_code == 302


@pytest.mark.django_db
def test_behind_a_proxy_the_forwarded_address_is_locked(client, editor, settings):
    settings.CLIENT_IP_FROM_PROXY = True
    attacker = {"HTTP_X_FORWARDED_FOR": "198.51.100.66"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "geraden", address="10.0.0.1", **attacker)
    assert AccessAttempt.objects.get().ip_address == "198.51.100.66"
    assert log_in(client, "pw-editor-1", address="10.0.0.1", **attacker).status_code == 429
    other = {"HTTP_X_FORWARDED_FOR": "198.51.100.67"}
    assert log_in(client, "pw-editor-1", address="10.0.0.1", **other).status_code == 302


@pytest.mark.django_db
def test_the_unlock_command_lets_the_user_in_again(client, editor, settings, capsys):
    for _ in range(settings.AXES_FAILURE_LIMIT):
        log_in(client, "geraden")
    assert log_in(client, "pw-editor-1").status_code == 429

    call_command("axes_reset_username", "redacteur")

    assert log_in(client, "pw-editor-1").status_code == 302
    assert logged_in(client)


@pytest.mark.parametrize("password", ["kort-1", "1234567890123", "password1234", "redacteur1234"])
@pytest.mark.django_db
def test_weak_passwords_are_refused(editor, password):
    with pytest.raises(ValidationError):
        validate_password(password, user=editor)


@pytest.mark.django_db
def test_a_long_uncommon_password_is_accepted(editor):
    validate_password("fietsbrug-over-de-gracht", user=editor)


@pytest.mark.django_db
def test_an_admin_session_ends_with_the_browser_unless_remembered(client, editor, settings):
    response = log_in(client, "pw-editor-1")
    assert response.status_code == 302
    assert client.session.get_expire_at_browser_close()
    assert response.cookies["sessionid"]["httponly"]
    assert response.cookies["sessionid"]["samesite"] == "Lax"
    assert settings.SESSION_COOKIE_AGE <= 12 * 3600

    client.logout()
    remembered = client.post(
        LOGIN,
        {"username": "redacteur", "password": "pw-editor-1", "remember": "on"},
        REMOTE_ADDR="203.0.113.5",
    )
    assert not client.session.get_expire_at_browser_close()
    assert remembered.cookies["sessionid"]["max-age"] == settings.SESSION_COOKIE_AGE
