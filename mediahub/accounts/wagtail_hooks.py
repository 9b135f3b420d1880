from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from mediahub.accounts import urls


@hooks.register("register_admin_urls")
def register_mfa_urls():
    return [path("2fa/", include(urls, namespace="mfa"))]


@hooks.register("register_account_menu_item")
def mfa_account_item(request):
    return {
        "url": reverse("mfa:security"),
        "label": _("Two-factor authentication"),
        "help_text": _("Your authenticator app and recovery codes."),
    }
