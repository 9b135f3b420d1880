"""The sources' health on the admin home: how many of the user's feeds are fine, failing or
switched off, and which ones need attention, with links to them (see ``muurkrant.dashboard``)."""

from django.db.models import Count, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from feeds.models import Source
from mediahub.permissions import ANY_ACCESS, scoped_queryset
from muurkrant.dashboard import ORDER, DashboardPanel, shows_dashboard

ATTENTION = 10
# The states of ``source_health`` in the sources' listing, in words and as filters.
FAILING = Q(active=True, error_count__gt=0)
SWITCHED_OFF = Q(active=False)
HEALTH = [
    ("ok", _("OK"), ~FAILING & ~SWITCHED_OFF),
    ("failing", _("Failing"), FAILING),
    ("off", _("Switched off"), SWITCHED_OFF),
]


class SourceHealthPanel(DashboardPanel):
    """Counts by health and the sources that fail or were switched off, failing ones first."""

    name = "dashboard_sources"
    order = ORDER["sources"]
    template_name = "feeds/admin/dashboard_sources.html"

    def get_context_data(self, parent_context=None) -> dict:
        sources = scoped_queryset(Source, self.request.user, ANY_ACCESS)
        counts = sources.aggregate(
            **{key: Count("id", filter=condition) for key, _label, condition in HEALTH}
        )
        attention = (
            sources.filter(FAILING | SWITCHED_OFF)
            .select_related("partner")
            .order_by("-active", "-error_count", "pk")[:ATTENTION]
        )
        return {
            "health": [(label, counts[key]) for key, label, _condition in HEALTH],
            "attention": attention,
            "listing": reverse("wagtailsnippets_feeds_source:list"),
            "show_partner": self.for_editor,
        }


def add_panel(request: HttpRequest, panels: list) -> None:
    """The ``construct_homepage_panels`` hook: the health of the sources the user may see."""
    if shows_dashboard(request):
        panels.append(SourceHealthPanel(request))
