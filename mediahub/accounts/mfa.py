"""The second factor: an authenticator app (TOTP) and single-use recovery codes, on django-otp.

A user has at most one confirmed authenticator; recovery codes are a static device beside it.
Every check goes through django-otp's devices, so its throttling and replay guard apply.
"""

import re
from base64 import b32encode

import django_otp
import segno
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import transaction
from django.http import HttpRequest
from django.utils.safestring import SafeString, mark_safe
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

AUTHENTICATOR = "authenticator"
RECOVERY = "recovery"
TOTP_CODE = re.compile(r"^\d{6}$")


def authenticator(user: AbstractBaseUser) -> TOTPDevice | None:
    """The user's confirmed authenticator app, if they enrolled one."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def has_device(user: AbstractBaseUser) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def pending_enrolment(user: AbstractBaseUser) -> TOTPDevice:
    """The authenticator being set up: kept until confirmed, so a reload shows the same secret."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name=AUTHENTICATOR, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """The secret as an app asks for it when typed in: base32, in groups of four."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice, title: str) -> SafeString:
    """The otpauth:// URL as an inline SVG QR code, drawn here: nothing is fetched elsewhere.

    Safe to embed: the URL is only in the drawn modules, and segno escapes the title.
    """
    svg = segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=4, light="#fff", title=title, svgclass="mfa-qr", lineclass=None
    )
    return mark_safe(svg)  # noqa: S308


@transaction.atomic
def confirm_enrolment(request: HttpRequest, device: TOTPDevice, code: str) -> list[str] | None:
    """Confirm the pending authenticator with a code from it; on success it replaces any earlier
    one, the session counts as verified, and fresh recovery codes are returned."""
    if not TOTP_CODE.match(code) or not device.verify_token(code):
        return None
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    django_otp.login(request, device)
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user: AbstractBaseUser) -> list[str]:
    """Replace the user's recovery codes: the old ones stop working."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(settings.MFA_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes(user: AbstractBaseUser) -> list[str]:
    """The recovery codes not used yet."""
    return list(
        StaticToken.objects.filter(device__user=user, device__name=RECOVERY).values_list(
            "token", flat=True
        )
    )


def verify(request: HttpRequest, code: str) -> bool:
    """Check a code from the app or a recovery code (used up by this); mark the session verified."""
    code = code.strip().replace(" ", "").lower()
    user = request.user
    with transaction.atomic():
        if TOTP_CODE.match(code):
            devices = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True)
        else:
            devices = StaticDevice.objects.select_for_update().filter(user=user, name=RECOVERY)
        device = next((d for d in devices if d.verify_token(code)), None)
    if device is None:
        return False
    django_otp.login(request, device)
    return True


def remove_devices(user: AbstractBaseUser) -> None:
    """Forget the authenticator and the recovery codes: the user enrols again."""
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
