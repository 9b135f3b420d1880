"""Partners and memberships in the admin, and the partner scoping of every bulk delete.

The viewsets are shown in the "Muurkrant" menu group (``muurkrant/wagtail_hooks.py``); apps
register their own partner-owned models with PartnerLogEntry.
"""

from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.rich_text import LinkHandler
from wagtail.snippets.views.snippets import SnippetViewSet

from mediahub.models import Membership, Partner, PartnerLogEntry
from mediahub.permissions import (
    ModeratorsOnlyPermissionPolicy,
    PartnerPermissionPolicy,
    PartnerScopedSnippetViewSet,
    ScopedDeleteBulkAction,
)
from mediahub.sanitize import LINK_REL

register_permission_policy(Partner, PartnerPermissionPolicy(Partner))
register_permission_policy(Membership, ModeratorsOnlyPermissionPolicy(Membership))


class PartnerViewSet(PartnerScopedSnippetViewSet):
    """Editors manage all partners; a partner user sees and edits only their own profile."""

    model = Partner
    icon = "group"
    list_display = ["name", "kind", "trusted", "active"]
    list_filter = ["kind", "trusted", "active"]
    copy_view_enabled = False


class MembershipViewSet(SnippetViewSet):
    """Which users publish for which partner; editors only."""

    model = Membership
    icon = "user"
    menu_label = _("Memberships")
    list_display = ["user", "partner"]
    list_filter = ["partner"]
    copy_view_enabled = False


# Runs after Wagtail's own bulk delete (order 0) so that this one replaces it.
hooks.register("register_bulk_action", ScopedDeleteBulkAction, order=1)


@hooks.register("register_log_actions")
def register_partner_log(actions) -> None:
    """Partner-owned objects log to PartnerLogEntry, which reports scope to the user's partners."""
    actions.register_model(Partner, PartnerLogEntry)


class ExternalLinkHandler(LinkHandler):
    """Links to other sites carry our rel however they were stored: the admin's editor writes a
    bare <a href>, so the rel the sanitiser adds on the way in is put back when rendering."""

    identifier = "external"

    @classmethod
    def expand_db_attributes(cls, attrs: dict) -> str:
        return format_html('<a href="{}" rel="{}">', attrs["href"], LINK_REL)


@hooks.register("register_rich_text_features")
def register_external_links(features) -> None:
    features.register_link_type(ExternalLinkHandler)


@hooks.register("insert_global_admin_js")
def inline_init_script() -> str:
    """Starts the widgets and panels whose inline scripts the admin's CSP refuses."""
    return format_html('<script src="{}" defer></script>', static("mediahub/admin/inline-init.js"))
