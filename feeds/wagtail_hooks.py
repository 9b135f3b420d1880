"""Sources in the admin: feed health at a glance, the fetch history, and "fetch now".

The viewset puts itself in the "Muurkrant" menu group through the group's own menu hook.
"""

import django_filters
from django import forms
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column, DateColumn
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from feeds import dashboard, health, tasks
from feeds.models import Source
from mediahub.models import PartnerLogEntry
from mediahub.permissions import (
    MODERATE_ALL,
    PartnerScopedForm,
    PartnerScopedPermissionPolicy,
    PartnerScopedSnippetViewSet,
    ScopedInspectView,
    partners_of_request,
    scoped_queryset,
)
from muurkrant.wagtail_hooks import MENU_HOOK

register_permission_policy(Source, PartnerScopedPermissionPolicy(Source))

FETCH_HISTORY = 20


def source_health(source: Source) -> str:
    """One phrase a partner understands: fine, failing, switched off, or not tried yet."""
    if not source.active:
        if source.deactivated_reason:
            return _("Gone: %(reason)s") % {"reason": source.deactivated_reason_text()}
        return _("Switched off")
    if source.error_count:
        return ngettext("Failing once", "Failing %(count)d times in a row", source.error_count) % {
            "count": source.error_count
        }
    if source.last_fetched_at is None:
        return _("Never fetched")
    return _("OK")


class SourceInspectView(ScopedInspectView):
    """The source's health and its latest fetches, with a button to fetch it now."""

    template_name = "feeds/admin/source_inspect.html"
    fields = ["partner", "url", "title", "site_url", "trusted", "active", "fetch_interval"]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["health"] = source_health(self.object)
        context["fetch_logs"] = self.object.fetch_logs.all()[:FETCH_HISTORY]
        context["problems"] = problems = list(self.object.problems.all()[:FETCH_HISTORY])
        for problem in problems:
            problem.text = health.describe(problem)
        context["can_fetch"] = self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", self.object
        )
        return context


class FetchNowView(View):
    """Queue a fetch of one source at once; POST only, for whoever may change the source."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        source = get_object_or_404(scoped_queryset(Source, request.user, ["change"]), pk=pk)
        tasks.enqueue_fetch(source)
        messages.success(request, _("'%(source)s' will be fetched shortly.") % {"source": source})
        return redirect("wagtailsnippets_feeds_source:inspect", source.pk)


class SourceFilterSet(WagtailFilterSet):
    partner = django_filters.ModelChoiceFilter(
        label=gettext_lazy("partner"), queryset=partners_of_request
    )

    class Meta:
        model = Source
        fields = ["active", "trusted", "partner"]


class SourceForm(PartnerScopedForm):
    """Partner users do not see "trusted": their new feed starts as trusted as their partner."""

    def save(self, commit=True):
        if self.instance.pk is None and "trusted" not in self.fields:
            self.instance.trusted = Source.trust_for_new(self.instance.partner)
        return super().save(commit=commit)


class SourceViewSet(PartnerScopedSnippetViewSet):
    """Feeds of each partner; partner users see only their own, only editors trust a feed."""

    model = Source
    icon = "rss"
    menu_hook = MENU_HOOK
    menu_order = 1  # the group's Posts are 1 too and come first: Sources follow them
    list_display = [
        "__str__",
        "partner",
        Column("health", label=gettext_lazy("Health"), accessor=source_health),
        Column("last_error", label=gettext_lazy("Last error"), accessor="last_error_text"),
        DateColumn("last_success_at", label=gettext_lazy("Last success")),
        DateColumn("next_fetch_at", label=gettext_lazy("Next fetch"), sort_key="next_fetch_at"),
    ]
    filterset_class = SourceFilterSet
    search_fields = ["url", "title"]
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = SourceInspectView
    edit_handler = ObjectList(
        [
            FieldPanel("partner", widget=forms.Select),
            FieldPanel(
                "url",
                help_text=gettext_lazy(
                    "The address of an RSS, Atom or JSON feed, a podcast feed, or a YouTube, "
                    "Vimeo or PeerTube channel, starting with https://. For example "
                    "https://www.omroep.example/nieuws/rss or "
                    "https://www.youtube.com/feeds/videos.xml?channel_id=… — the page of a site "
                    "or channel itself does not work."
                ),
            ),
            FieldPanel("title"),
            FieldPanel("site_url"),
            FieldPanel("active"),
            FieldPanel("fetch_interval"),
            FieldPanel("trusted", permission=MODERATE_ALL),
            FieldPanel("deactivated_reason", read_only=True),
        ],
        base_form_class=SourceForm,
    )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("fetch/<int:pk>/", FetchNowView.as_view(), name="fetch"),
        ]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("partner")


register_snippet(SourceViewSet)


@hooks.register("register_log_actions")
def register_source_log(actions) -> None:
    """Source history scopes to the user's partners, like every partner-owned object's."""
    actions.register_model(Source, PartnerLogEntry)


class FeedProblemsPanel(Component):
    """The admin home's list of open feed problems: the user's own partners', or all for
    editors; the same findings the daily e-mail reports."""

    name = "feed_problems"
    template_name = "feeds/admin/feed_problems_panel.html"
    order = 150

    def __init__(self, problems: list) -> None:
        self.problems = problems

    def get_context_data(self, parent_context):
        for problem in self.problems:
            problem.text = health.describe(problem)
        return {"problems": self.problems}


@hooks.register("construct_homepage_panels")
def add_feed_problems_panel(request, panels) -> None:
    if problems := health.visible_problems(request.user):
        panels.append(FeedProblemsPanel(problems))


hooks.register("construct_homepage_panels", dashboard.add_panel)
