"""Admin login in a real browser: enrol an authenticator app, sign in with a code and with a
recovery code (once), a wrong code refused, the admin closed until then, a weak password refused."""

import base64
import time

import pytest
from django.contrib.auth.password_validation import MinimumLengthValidator
from django.utils import translation
from django_otp.oath import TOTP

from tests.browser.conftest import describe_violations
from tests.mediahub.test_login import dutch

pytestmark = pytest.mark.django_db(transaction=True)
WRONG_CODE = "This code is not valid. Try the current code from your app."


def app_code(secret: str, steps_ahead: int = 0) -> str:
    """What an authenticator app that scanned `secret` shows (a later step: one not used yet)."""
    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    app = TOTP(key)
    app.time = time.time() + steps_ahead * 30
    return f"{app.token():06d}"


def sign_in(page) -> None:
    """A fresh browser signs in with the password; the second step is the test's to take."""
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("#id_username", "redacteur")
    page.fill("#id_password", "pw-editor-1")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/2fa/**")


def enter_code(page, code: str) -> None:
    """Submit a code and wait for the answer: a refusal reloads the same page."""
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.locator("form.login-form button[type=submit]").click()


def assert_accessible(page, axe_violations) -> None:
    """axe-core on the page as it settles: the admin's messages fade in."""
    page.evaluate("document.getAnimations().forEach(animation => animation.finish())")
    violations = axe_violations()
    assert violations == [], f"{page.url}:\n{describe_violations(violations)}"


@pytest.fixture
def required(settings):
    settings.MFA_REQUIRED = True


@pytest.mark.usefixtures("required")
def test_enrol_then_sign_in_with_a_code_and_a_recovery_code(page, editor, axe_violations):
    sign_in(page)
    assert "/admin/2fa/enrol/" in page.url
    assert page.locator("svg.mfa-qr").is_visible()
    assert_accessible(page, axe_violations)
    secret = page.locator("[data-mfa-secret]").inner_text()
    enter_code(page, app_code(secret))
    page.wait_for_url("**/admin/2fa/")
    codes = page.locator(".mfa-recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    assert_accessible(page, axe_violations)

    sign_in(page)  # a new browser: the password alone does not open the admin
    page.goto("/admin/snippets/muurkrant/post/")
    assert "/admin/2fa/code/" in page.url
    assert_accessible(page, axe_violations)
    enter_code(page, app_code(secret, steps_ahead=1))
    page.wait_for_url("**/admin/snippets/muurkrant/post/")

    sign_in(page)
    enter_code(page, codes[0])
    page.wait_for_url("**/admin/")

    # Refusals last: after a wrong code django-otp makes the next try wait a moment.
    sign_in(page)
    enter_code(page, codes[0])  # used up
    page.wait_for_selector(".messages .error")
    assert "/admin/2fa/code/" in page.url and dutch(WRONG_CODE) in page.content()
    valid = {app_code(secret, steps_ahead=step) for step in (-1, 0, 1, 2)}
    enter_code(page, next(code for code in ("000000", "111111", "222222") if code not in valid))
    page.wait_for_selector(".messages .error")
    assert "/admin/2fa/code/" in page.url and dutch(WRONG_CODE) in page.content()
    assert_accessible(page, axe_violations)
    page.get_by_role("button", name=dutch("Sign out")).click()
    page.wait_for_url("**/admin/login/**")
    assert page.goto("/admin/").url.endswith("/admin/login/?next=/admin/")
    assert page.console_errors == [] and page.foreign_requests == []


def test_a_short_password_is_refused(page, editor):
    page.context.clear_cookies()
    page.goto("/admin/login/")
    page.fill("#id_username", "redacteur")
    page.fill("#id_password", "pw-editor-1")
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")
    page.goto("/admin/account/")
    page.fill("#id_password-old_password", "pw-editor-1")
    page.fill("#id_password-new_password1", "kort-wacht")
    page.fill("#id_password-new_password2", "kort-wacht")
    page.press("#id_password-new_password2", "Enter")
    page.wait_for_selector(".error-message")
    with translation.override("nl"):
        message = MinimumLengthValidator(12).get_error_message()
    assert message in page.content()
    editor.refresh_from_db()
    assert editor.check_password("pw-editor-1")
