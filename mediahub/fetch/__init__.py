"""The safe HTTP client: every outside URL (feeds, thumbnails, images) is fetched through it."""

from mediahub.fetch.client import (
    FetchError,
    FetchResult,
    UnsafeURL,
    check_url,
    fetch,
    is_public_address,
)

__all__ = ["FetchError", "FetchResult", "UnsafeURL", "check_url", "fetch", "is_public_address"]
