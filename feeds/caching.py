"""Rendered feeds kept in the cache until a post changes, and HTTP validators for them.

Invalidation is O(1): every cached body is keyed by the content generation
(``mediahub.caching``), which any change to a post bumps. A conditional request is answered
from the cached entry alone, without rendering and without the database.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from mediahub.caching import generation


@dataclass(frozen=True)
class Rendered:
    """A feed body with its validators, as stored in the cache."""

    body: bytes
    content_type: str
    etag: str
    last_modified: float


def make_etag(body: bytes) -> str:
    """A strong validator of the body itself, so a re-render of the same posts keeps its ETag."""
    return f'"{hashlib.sha256(body).hexdigest()[:32]}"'


def cached(key: str, render: Callable[[], Rendered]) -> Rendered:
    """The rendered feed for this key in the current generation, rendering it on a miss.

    Entries also expire after FEEDS_OUT_CACHE_SECONDS: posts expire with time, and a local
    memory cache in another process never hears of a bump.
    """
    digest = hashlib.sha256(f"{settings.SITE_URL}|{key}".encode()).hexdigest()[:40]
    cache_key = f"feeds:out:{generation()}:{digest}"
    entry = cache.get(cache_key)
    if entry is None:
        entry = render()
        cache.set(cache_key, entry, timeout=settings.FEEDS_OUT_CACHE_SECONDS)
    return entry
