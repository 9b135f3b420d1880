"""Every admin URL asks an admin user for the second factor before it answers."""

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from mediahub.accounts import mfa

# Reachable before the second factor: signing in and out, and what those pages load.
OPEN_VIEWS = {
    "wagtailadmin_login",
    "wagtailadmin_logout",
    "wagtailadmin_javascript_catalog",
    "wagtailadmin_sprite",
}


class MFARequiredMiddleware:
    """Sends an admin user whose session is not verified to the code page, or to enrol if they
    have no authenticator yet (only when MFA_REQUIRED; otherwise enrolling is their choice).

    Runs after django-otp's OTPMiddleware, which tells whether the session is verified.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        user = request.user
        if (
            not request.path_info.startswith(reverse("wagtailadmin_home"))
            or not user.is_authenticated
            or user.is_verified()
            or request.resolver_match.view_name in OPEN_VIEWS
            or not user.has_perm("wagtailadmin.access_admin")
        ):
            return None
        enrolled = mfa.has_device(user)
        if not enrolled and not settings.MFA_REQUIRED:
            return None
        target = "mfa:verify" if enrolled else "mfa:enrol"
        if request.resolver_match.view_name == target:
            return None
        return redirect_to_login(request.get_full_path(), login_url=reverse(target))
