"""The wall's page of posts laid out as a news front page: a lead, highlights, then the days.

Only the unfiltered first page gets a lead and highlights; filtered and older pages are a
plain stream, still grouped by day so a reader knows how recent what they read is.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import groupby

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext

from muurkrant.models import Post
from muurkrant.queries import WallSlice

HIGHLIGHTS = 3


@dataclass
class Day:
    """The posts of one calendar day, under a heading people say: today, yesterday, a date."""

    label: str
    posts: list[Post]


@dataclass
class FrontPage:
    lead: Post | None = None
    highlights: list[Post] = field(default_factory=list)
    pinned: list[Post] = field(default_factory=list)
    days: list[Day] = field(default_factory=list)


def day_label(day: date, today: date) -> str:
    """ "Today", "Yesterday", else the weekday and date (with the year if not this year)."""
    if day == today:
        return gettext("Today")
    if day == today - timedelta(days=1):
        return gettext("Yesterday")
    return date_format(day, "l j F" if day.year == today.year else "l j F Y")


def by_day(posts: list[Post]) -> list[Day]:
    """Posts, newest first, cut at each local calendar day."""
    today = timezone.localdate()
    return [
        Day(day_label(day, today), list(group))
        for day, group in groupby(posts, key=lambda post: timezone.localdate(post.published_at))
    ]


def arrange(found: WallSlice, hierarchy: bool) -> FrontPage:
    """The lead is a pinned post, else the newest with an image, else the newest; the other
    pinned posts and the newest after it are the highlights."""
    if not (hierarchy and found.is_first and (found.pinned or found.posts)):
        return FrontPage(pinned=found.pinned, days=by_day(found.posts))
    with_image = [post for post in found.posts if post.image_id]
    lead = (found.pinned or with_image or found.posts)[0]
    rest = [post for post in [*found.pinned, *found.posts] if post is not lead]
    count = max(HIGHLIGHTS, len(found.pinned) - 1)
    return FrontPage(lead=lead, highlights=rest[:count], days=by_day(rest[count:]))
