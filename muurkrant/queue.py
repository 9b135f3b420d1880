"""The moderation queue's figures: how many posts wait, and since when, per partner.

Every admin page shows them in the menu, so one grouped query feeds them all and its answer is
cached briefly; any write to posts forgets it (model signals, and ``posts_changed`` for bulk
writes), so the figures are never staler than the writes that bypass both.
"""

from dataclasses import dataclass
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Min

from mediahub.permissions import can_moderate, partner_ids_for
from muurkrant.models import Post

CACHE_KEY = "muurkrant:pending-by-partner"
CACHE_SECONDS = 60


@dataclass(frozen=True)
class Waiting:
    """Posts awaiting moderation: how many, and the moment the oldest arrived (None if none)."""

    count: int = 0
    oldest: datetime | None = None


def _pending_by_partner() -> dict[int, Waiting]:
    found = cache.get(CACHE_KEY)
    if found is None:
        rows = (
            Post.objects.filter(status=Post.Status.PENDING)
            .values("partner_id")
            .annotate(count=Count("id"), oldest=Min("created_at"))
            .order_by()
        )
        found = {row["partner_id"]: Waiting(row["count"], row["oldest"]) for row in rows}
        cache.set(CACHE_KEY, found, CACHE_SECONDS)
    return found


def waiting(partner_ids: set[int] | None = None) -> Waiting:
    """The posts waiting of the given partners, or of all partners when None."""
    groups = [
        group
        for partner_id, group in _pending_by_partner().items()
        if partner_ids is None or partner_id in partner_ids
    ]
    oldest = [group.oldest for group in groups]
    return Waiting(sum(group.count for group in groups), min(oldest) if oldest else None)


def waiting_for(user) -> Waiting:
    """What waits in the user's view: every partner's posts for editors, their own for others."""
    return waiting(None if can_moderate(user) else partner_ids_for(user))


def forget_waiting(**kwargs) -> None:
    """A receiver for any write to posts: the next admin page counts again.

    A request counting between the write and its commit caches the old figure for at most
    CACHE_SECONDS.
    """
    cache.delete(CACHE_KEY)
