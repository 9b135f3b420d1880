"""Partners and memberships in the admin, and the partner scoping of every bulk delete.

The viewsets are shown in the "Muurkrant" menu group (``muurkrant/wagtail_hooks.py``); apps
register their own partner-owned models with PartnerLogEntry.
"""

from django.db.models import QuerySet
from django.http import Http404
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.panels import ObjectList
from wagtail.documents import get_document_model
from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet
from wagtail.images import get_image_model
from wagtail.images.api.admin.views import ImagesAdminAPIViewSet
from wagtail.permissions import register_permission_policy
from wagtail.rich_text import LinkHandler
from wagtail.snippets.views.snippets import SnippetViewSet

from mediahub.media import may_download, visible_media
from mediahub.models import Membership, Partner, PartnerLogEntry
from mediahub.permissions import (
    ModeratorsOnlyPermissionPolicy,
    PartnerCollectionPermissionPolicy,
    PartnerPermissionPolicy,
    PartnerScopedForm,
    PartnerScopedSnippetViewSet,
    ScopedDeleteBulkAction,
)
from mediahub.sanitize import LINK_REL

register_permission_policy(Partner, PartnerPermissionPolicy(Partner))
register_permission_policy(Membership, ModeratorsOnlyPermissionPolicy(Membership))
# exact_class: wins over the policy Wagtail registers in its ready(), whichever runs last.
register_permission_policy(
    get_image_model(),
    PartnerCollectionPermissionPolicy(
        get_image_model(), auth_model="wagtailimages.Image", owner_field_name="uploaded_by_user"
    ),
    exact_class=True,
)
register_permission_policy(
    get_document_model(),
    PartnerCollectionPermissionPolicy(
        get_document_model(),
        auth_model="wagtaildocs.Document",
        owner_field_name="uploaded_by_user",
    ),
    exact_class=True,
)


class PartnerViewSet(PartnerScopedSnippetViewSet):
    """Editors manage all partners; a partner user sees and edits only their own profile
    (never its slug, trust or activity), with a logo from their own media only."""

    model = Partner
    icon = "group"
    list_display = ["name", "kind", "trusted", "active"]
    list_filter = ["kind", "trusted", "active"]
    copy_view_enabled = False
    edit_handler = ObjectList(Partner.panels, base_form_class=PartnerScopedForm)


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


class ScopedMediaAPIMixin:
    """The admin API's listing, detail and find for media, limited to what the user may see."""

    def get_queryset(self) -> QuerySet:
        visible = visible_media(self.model, self.request.user)
        return super().get_queryset().filter(pk__in=visible.values("pk"))


class ScopedImagesAdminAPIViewSet(ScopedMediaAPIMixin, ImagesAdminAPIViewSet):
    pass


class ScopedDocumentsAdminAPIViewSet(ScopedMediaAPIMixin, DocumentsAdminAPIViewSet):
    pass


# Runs after Wagtail's own registrations (order 0), so that these replace them.
@hooks.register("construct_admin_api", order=1)
def scope_media_in_admin_api(router) -> None:
    """The admin API lists and shows only the media the user sees in the admin."""
    router.register_endpoint("images", ScopedImagesAdminAPIViewSet)
    router.register_endpoint("documents", ScopedDocumentsAdminAPIViewSet)


@hooks.register("before_serve_document")
def refuse_private_documents(document, request) -> None:
    """Answer 404, as for a missing one, when the visitor may not download the document."""
    if not may_download(document, request.user):
        raise Http404


@hooks.register("insert_global_admin_js")
def inline_init_script() -> str:
    """Starts the widgets and panels whose inline scripts the admin's CSP refuses."""
    return format_html('<script src="{}" defer></script>', static("mediahub/admin/inline-init.js"))
