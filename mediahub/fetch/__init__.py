"""The safe HTTP client: every outside URL (feeds, thumbnails, images) is fetched through it.

`addresses` decides which hosts a URL may reach, `client` fetches within time and size bounds,
`errors` turns every failure into a FetchError whose message a partner can read.
"""

from mediahub.fetch.addresses import check_url, is_public_address
from mediahub.fetch.client import FetchResult, fetch
from mediahub.fetch.errors import FetchError, UnsafeURL

__all__ = ["FetchError", "FetchResult", "UnsafeURL", "check_url", "fetch", "is_public_address"]
