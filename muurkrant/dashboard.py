"""The admin home's dashboard: a partner user's figures for their own partners, an editor's for all.

Each panel is a Wagtail component that an app adds through the ``construct_homepage_panels`` hook
(the sources' health comes from feeds), placed by ``ORDER``; each runs a fixed number of queries,
however many posts, sources and counters there are. Figures are scoped by the models' permission
policies, so a partner user never sees another partner's numbers.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Q, QuerySet, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.timesince import timesince
from wagtail.admin.ui.components import Component
from wagtail.permissions import policy_registry

from mediahub.permissions import ANY_ACCESS, can_moderate, scoped_queryset
from muurkrant import queue, takeover
from muurkrant.models import Post, PostReadCount, TakeoverRequest

# Where each panel stands on the admin home, above Wagtail's own (from 100 on).
ORDER = {"queue": 10, "sources": 20, "posts": 30, "takeovers": 40, "reads": 50}
READ_DAYS = 30
MOST_READ = 5
RECENT_TAKEOVERS = 5
CHART_HEIGHT = 60
BAR_WIDTH = 10


def shows_dashboard(request: HttpRequest) -> bool:
    """Whoever may see posts in the admin gets the dashboard: partner users and editors."""
    return policy_registry.get_by_type(Post).user_has_permission(request.user, "view")


def week_start(today: date) -> datetime:
    """Monday, midnight, in the site's time zone."""
    return timezone.make_aware(datetime.combine(today - timedelta(days=today.weekday()), time.min))


class DashboardPanel(Component):
    """A panel of figures about the posts the user may see."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    @property
    def for_editor(self) -> bool:
        return can_moderate(self.request.user)

    def posts(self) -> QuerySet:
        return scoped_queryset(Post, self.request.user, ANY_ACCESS)


class PostsPanel(DashboardPanel):
    """The user's posts by status, each linked to the listing filtered on it, and this week's."""

    name = "dashboard_posts"
    order = ORDER["posts"]
    template_name = "muurkrant/admin/dashboard/posts.html"

    def get_context_data(self, parent_context=None) -> dict:
        monday = week_start(timezone.localdate())
        rows = (
            self.posts()
            .values("status")
            .annotate(
                count=Count("id"),
                this_week=Count("id", filter=Q(published_at__gte=monday)),
            )
            .order_by()
        )
        found = {row["status"]: row for row in rows}
        listing = reverse("wagtailsnippets_muurkrant_post:list")
        by_status = [
            (label, found.get(status, {}).get("count", 0), f"{listing}?status={status}")
            for status, label in Post.Status.choices
        ]
        published = found.get(Post.Status.PUBLISHED, {}).get("this_week", 0)
        return {"by_status": by_status, "published_this_week": published, "listing": listing}


@dataclass(frozen=True)
class Bar:
    day: date
    count: int
    x: int
    y: int
    height: int


def chart(totals: dict[date, int], today: date, days: int = READ_DAYS) -> list[Bar]:
    """One bar per day, oldest first, scaled to the busiest day (a day without reads is 0)."""
    counts = [(today - timedelta(days=back), totals.get(today - timedelta(days=back), 0))
              for back in range(days - 1, -1, -1)]  # fmt: skip
    top = max((count for _, count in counts), default=0) or 1
    bars = []
    for position, (day, count) in enumerate(counts):
        height = round(CHART_HEIGHT * count / top)
        bars.append(Bar(day, count, position * BAR_WIDTH, CHART_HEIGHT - height, height))
    return bars


class ReadsPanel(DashboardPanel):
    """The most-read posts of the last 30 days, and the reads per day as a chart and a table."""

    name = "dashboard_reads"
    order = ORDER["reads"]
    template_name = "muurkrant/admin/dashboard/reads.html"

    def get_context_data(self, parent_context=None) -> dict:
        today = timezone.localdate()
        counters = PostReadCount.objects.filter(
            day__gt=today - timedelta(days=READ_DAYS), post__in=self.posts().values("pk")
        )
        most_read = (
            counters.values("post_id", "post__title", "post__partner__name")
            .annotate(total=Sum("count"))
            .order_by("-total", "post_id")[:MOST_READ]
        )
        totals = dict(counters.values_list("day").annotate(total=Sum("count")).order_by())
        bars = chart(totals, today)
        return {
            "most_read": most_read,
            "bars": bars,
            "total": sum(bar.count for bar in bars),
            "chart_width": READ_DAYS * BAR_WIDTH,
            "chart_height": CHART_HEIGHT,
            "bar_width": BAR_WIDTH - 2,
            "show_partner": self.for_editor,
        }


class QueuePanel(DashboardPanel):
    """For editors: how many posts wait for a decision, and since when (``muurkrant.queue``)."""

    name = "dashboard_queue"
    order = ORDER["queue"]
    template_name = "muurkrant/admin/dashboard/queue.html"

    def get_context_data(self, parent_context=None) -> dict:
        waiting = queue.waiting()
        return {
            "waiting": waiting,
            "waiting_for": timesince(waiting.oldest, depth=1) if waiting.oldest else "",
            "queue_url": reverse("wagtailsnippets_muurkrant_post:moderation"),
        }


class TakeoversPanel(DashboardPanel):
    """Who carries the user's posts: takeovers by other partners in the last 30 days, the
    newest first, and the takeover requests waiting for the user's answer."""

    name = "dashboard_takeovers"
    order = ORDER["takeovers"]
    template_name = "muurkrant/admin/dashboard/takeovers.html"

    def get_context_data(self, parent_context=None) -> dict:
        since = timezone.now() - timedelta(days=READ_DAYS)
        copies = (
            Post.objects.filter(original__in=self.posts(), created_at__gte=since)
            .exclude(status=Post.Status.WITHDRAWN)
            .select_related("partner", "original__partner")
            .order_by("-created_at")
        )
        requests = takeover.requests_for(self.request.user).filter(
            status=TakeoverRequest.Status.PENDING
        )
        return {
            "taken_over": copies.count(),
            "recent": copies[:RECENT_TAKEOVERS],
            "waiting": requests.count(),
            "requests_url": reverse("muurkrant_takeover_requests"),
            "show_partner": self.for_editor,
        }


def add_panels(request: HttpRequest, panels: list) -> None:
    """The ``construct_homepage_panels`` hook: the queue for editors; posts, takeovers and reads
    for all."""
    if not shows_dashboard(request):
        return
    if can_moderate(request.user):
        panels.append(QueuePanel(request))
    panels += [PostsPanel(request), TakeoversPanel(request), ReadsPanel(request)]
