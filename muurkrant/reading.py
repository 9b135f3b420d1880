"""Counting reads of a post page: residents only, one per request, as a bare daily counter.

Counted in the post page's view, or by the page cache when it serves the page (no
``Cache-Control`` lets a shared cache keep it), so every read is counted. Not counted:
HEAD requests, prefetches and prerenders (no one has read anything yet), bots, and logged-in
users — on the public site only partners' staff and editors have accounts, and they look at
their own posts.

Written straight to the database with one ``UPDATE … SET count = count + 1`` (an INSERT for the
day's first read): a single-row write on a unique index, atomic under concurrent requests, and
kept when a process dies. A buffer in the cache was not chosen: the default cache is local to
each process, where the queue worker could not flush it, and it would lose counts on a restart.
"""

from datetime import date

from crawlerdetect import CrawlerDetect
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone

from muurkrant.models import PostReadCount

# The headers with which browsers announce a request made ahead of a visit (Chrome's
# Sec-Purpose and Purpose, Firefox's X-Moz, Safari's X-Purpose) and the values that mean it.
PREFETCH_HEADERS = ("Sec-Purpose", "Purpose", "X-Moz", "X-Purpose")
PREFETCH_VALUES = ("prefetch", "preview", "prerender")

# CrawlerDetect's patterns are maintained against the bots seen in the wild; matches per
# user agent are cached in the instance, so a browser's string is matched once per process.
_crawlers = CrawlerDetect()


def is_bot(user_agent: str) -> bool:
    """A crawler, a link preview or a script; a request without a user agent is no browser."""
    return not user_agent.strip() or _crawlers.is_crawler(user_agent)


def is_prefetch(request: HttpRequest) -> bool:
    return any(
        value in request.headers.get(header, "").lower()
        for header in PREFETCH_HEADERS
        for value in PREFETCH_VALUES
    )


def counts_as_read(request: HttpRequest) -> bool:
    """Whether this request is a resident reading the page."""
    return (
        request.method == "GET"
        and not is_prefetch(request)
        and not is_bot(request.headers.get("User-Agent", ""))
        and not request.user.is_authenticated
    )


def count_read(post_id: int, day: date | None = None) -> None:
    """Adds one read of the post on the day (today by default); safe under concurrent calls."""
    day = day or timezone.localdate()
    counters = PostReadCount.objects.filter(post_id=post_id, day=day)
    if counters.update(count=F("count") + 1):
        return
    try:
        with transaction.atomic():
            PostReadCount.objects.create(post_id=post_id, day=day, count=1)
    except IntegrityError:
        counters.update(count=F("count") + 1)  # another request made the day's row first


def record_read(request: HttpRequest, post_id: int) -> None:
    """Counts the request as a read of the post if a resident made it."""
    if counts_as_read(request):
        count_read(post_id)
