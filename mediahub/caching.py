"""One generation counter for everything rendered from posts and kept in the cache.

Feeds out and public pages key their cached bodies by the current generation; a change to a
post, a partner, the site identity or the page tree bumps it, and every such entry is stale at
once (O(1), nothing to enumerate). Kept here, below both apps, so that muurkrant's pages and
the feeds share one counter.
"""

import time

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "content:generation"


def _fresh_generation() -> int:
    # Starts from the clock, so a cache that was emptied never hands out an old generation.
    return time.time_ns() // 1000


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    if value is None:
        cache.add(GENERATION_KEY, _fresh_generation(), timeout=None)
        value = cache.get(GENERATION_KEY, 0)
    return value


def bump_generation() -> None:
    """Makes every cached feed and page stale at once."""
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        cache.set(GENERATION_KEY, _fresh_generation(), timeout=None)


def content_changed(**kwargs) -> None:
    """What residents see changed: bump now, and again after the commit, as a body rendered in
    between may have read the old rows. Connectable to any signal."""
    bump_generation()
    transaction.on_commit(bump_generation)
