"""The admin's "Muurkrant" menu: posts, the moderation queue, partners and wijken; the Pool
(``pool_admin.py``); and Settings → API tokens (``tokens_admin.py``).

Apps built on muurkrant add their own items to it through the hook named in MENU_HOOK.
"""

import django_filters
from django import forms
from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.menu import MenuItem
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, ObjectList
from wagtail.log_actions import LogFormatter
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from mediahub.media import PUBLIC_DOCUMENT_HOOK
from mediahub.models import PartnerLogEntry
from mediahub.permissions import (
    MODERATE_ALL,
    PartnerScopedPermissionPolicy,
    PartnerScopedSnippetViewSet,
    can_moderate,
    partner_ids_for,
    partners_of_request,
)
from mediahub.wagtail_hooks import MembershipViewSet, PartnerViewSet
from muurkrant import dashboard, moderation, queue, stories, takeover
from muurkrant.admin_views import (
    ApproveBulkAction,
    MergeStoryBulkAction,
    ModerateView,
    ModerationQueueView,
    PostAdminForm,
    PostIndexView,
    PostInspectView,
    RejectBulkAction,
    RejectionPanel,
)
from muurkrant.models import PartnerToken, Post, Wijk
from muurkrant.pool_admin import PoolViewSet
from muurkrant.takeover_admin import DecideTakeoverView, TakeoverRequestsView
from muurkrant.tokens_admin import PartnerTokenPermissionPolicy, PartnerTokenViewSet

MENU_HOOK = "register_muurkrant_menu_item"

register_permission_policy(Post, PartnerScopedPermissionPolicy(Post))
register_permission_policy(PartnerToken, PartnerTokenPermissionPolicy(PartnerToken))


class PostFilterSet(WagtailFilterSet):
    partner = django_filters.ModelChoiceFilter(label=_("partner"), queryset=partners_of_request)

    class Meta:
        model = Post
        fields = ["status", "kind", "partner", "origin"]


def with_count(label: str, count: int) -> str:
    """A menu label with the number of posts waiting, when any do."""
    return f"{label} ({count})" if count else label


class ModeratorMenuItem(MenuItem):
    """The moderation queue, for editors, with the number of posts waiting in its label."""

    def is_shown(self, request):
        return can_moderate(request.user)

    def render_component(self, request):
        component = super().render_component(request)
        component.label = with_count(self.label, queue.waiting().count)
        return component


class OwnPendingCountMixin:
    """For the Posts menu item: a partner user sees how many of their own posts wait."""

    def render_component(self, request):
        component = super().render_component(request)
        if not can_moderate(request.user):
            component.label = with_count(self.label, queue.waiting_for(request.user).count)
        return component


class PostViewSet(PartnerScopedSnippetViewSet):
    """Posts, each partner user seeing only their own; editors see and moderate all."""

    model = Post
    icon = "doc-full"
    list_display = ["title", "partner", "kind", "status", "published_at", "report_count"]
    filterset_class = PostFilterSet
    index_view_class = PostIndexView
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = PostInspectView
    edit_handler = ObjectList(
        [
            RejectionPanel(heading=_("Rejected")),
            FieldPanel("title"),
            FieldPanel("partner", widget=forms.Select),
            FieldPanel("kind"),
            FieldPanel("summary"),
            FieldPanel("body"),
            FieldPanel("link"),
            MultiFieldPanel([FieldPanel("image"), FieldPanel("image_alt")], heading=_("Image")),
            MultiFieldPanel(
                [
                    FieldPanel("video_url"),
                    FieldPanel("audio"),
                    FieldPanel("enclosure_url"),
                ],
                heading=_("Video and audio"),
            ),
            FieldPanel("tags"),
            FieldPanel("wijken", widget=forms.CheckboxSelectMultiple),
            FieldPanel("language"),
            FieldPanel("published_at"),
            FieldPanel("takeover_permission"),
            MultiFieldPanel(
                [
                    FieldPanel("status", permission=MODERATE_ALL, read_only=True),
                    FieldPanel("pinned_until", permission=MODERATE_ALL),
                    FieldPanel("expires_at", permission=MODERATE_ALL),
                    FieldPanel("report_count", permission=MODERATE_ALL, read_only=True),
                ],
                heading=_("Moderation"),
            ),
        ],
        base_form_class=PostAdminForm,
    )

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("partner")

    @cached_property
    def menu_item_class(self):
        return type("PostMenuItem", (OwnPendingCountMixin, super().menu_item_class), {})

    @property
    def moderation_view(self):
        return self.construct_view(
            ModerationQueueView,
            **{
                **self.get_index_view_kwargs(
                    index_url_name=self.get_url_name("moderation"),
                    index_results_url_name=self.get_url_name("moderation_results"),
                    filterset_class=None,
                ),
                "template_name": "muurkrant/admin/moderation_queue.html",
            },
        )

    @property
    def moderation_results_view(self):
        return self.construct_view(
            ModerationQueueView,
            **self.get_index_view_kwargs(
                index_url_name=self.get_url_name("moderation"),
                index_results_url_name=self.get_url_name("moderation_results"),
                filterset_class=None,
            ),
            results_only=True,
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("moderation/", self.moderation_view, name="moderation"),
            path("moderation/results/", self.moderation_results_view, name="moderation_results"),
            path("moderate/<int:pk>/<slug:decision>/", ModerateView.as_view(), name="moderate"),
        ]


class WijkViewSet(SnippetViewSet):
    model = Wijk
    icon = "site"
    list_display = ["name", "slug"]


class MuurkrantViewSetGroup(SnippetViewSetGroup):
    menu_label = _("Muurkrant")
    menu_icon = "doc-full-inverse"
    menu_order = 150
    items = (PostViewSet, PartnerViewSet, MembershipViewSet, WijkViewSet)
    submenu_hook = MENU_HOOK

    def get_submenu_items(self):
        queue = ModeratorMenuItem(
            _("Moderation queue"),
            reverse("wagtailsnippets_muurkrant_post:moderation"),
            icon_name="tasks",
            order=0,
        )
        return [queue, *super().get_submenu_items()]


register_snippet(MuurkrantViewSetGroup)
register_snippet(PartnerTokenViewSet)


@hooks.register("register_admin_viewset")
def register_pool() -> PoolViewSet:
    return PoolViewSet()


hooks.register("register_bulk_action", ApproveBulkAction)
hooks.register("register_bulk_action", RejectBulkAction)
hooks.register("register_bulk_action", MergeStoryBulkAction)


class ModerationLogFormatter(LogFormatter):
    """Shows an editor's decision in the history, with the reason when one was given."""

    def format_message(self, log_entry):
        data = {key: "-" if value is None else value for key, value in log_entry.data.items()}
        message = str(self.message) % data
        if data.get("reason"):
            message = f"{message}: {data['reason']}"
        return message


LOG_ACTIONS = {
    moderation.APPROVE: (_("Approve"), _("Approved")),
    moderation.REJECT: (_("Reject"), _("Rejected")),
    moderation.HIDE: (_("Hide"), _("Hidden")),
    moderation.PIN: (_("Pin"), _("Pinned until %(until)s")),
    moderation.EXPIRE: (_("Set expiry"), _("Expires at %(at)s")),
    moderation.REPORT: (_("Abuse report"), _("Reported by a resident")),
    moderation.AUTO_HIDE: (_("Hidden by reports"), _("Hidden after %(threshold)s reports")),
    takeover.REQUEST: (_("Takeover requested"), _("Takeover asked by %(partner)s")),
    takeover.WITHDRAW: (_("Withdrawn with its original"), _("Withdrawn with its original")),
    takeover.FOLLOW: (_("Follows its original"), _("Updated from its original")),
    stories.MERGE: (_("Merge stories"), _("Merged into story %(story)s")),
    stories.SPLIT: (_("Split from story"), _("Split from story %(story)s")),
}


@hooks.register("register_log_actions")
def register_post_log(actions) -> None:
    """Post and token history scopes to the user's partners, like every partner-owned object's."""
    actions.register_model(Post, PartnerLogEntry)
    actions.register_model(PartnerToken, PartnerLogEntry)


@hooks.register("register_log_actions")
def register_moderation_log_actions(actions):
    for action, (label, message) in LOG_ACTIONS.items():
        formatter = type(
            "Formatter", (ModerationLogFormatter,), {"label": label, "message": message}
        )
        actions.register_action(action)(formatter)


@hooks.register(PUBLIC_DOCUMENT_HOOK)
def audio_of_published_posts(document) -> bool:
    """The wall plays a published post's audio to everyone, so anyone may download it."""
    return Post.objects.published().filter(audio=document).exists()


@hooks.register("register_admin_urls")
def register_takeover_urls():
    return [
        path(
            "takeover-requests/", TakeoverRequestsView.as_view(), name="muurkrant_takeover_requests"
        ),
        path(
            "takeover-requests/<int:pk>/<slug:decision>/",
            DecideTakeoverView.as_view(),
            name="muurkrant_takeover_decide",
        ),
    ]


class PartnerMenuItem(MenuItem):
    """For partner users and editors: the people who own posts others may ask for."""

    def is_shown(self, request):
        return can_moderate(request.user) or bool(partner_ids_for(request.user))


@hooks.register(MENU_HOOK)
def takeover_requests_menu_item():
    return PartnerMenuItem(
        _("Takeover requests"),
        reverse("muurkrant_takeover_requests"),
        icon_name="doc-full",
        order=5,
    )


hooks.register("construct_homepage_panels", dashboard.add_panels)
