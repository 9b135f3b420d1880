"""The one HTML policy for every body that reaches a page: feeds, partner posts, API input.

`policy` declares what a body may hold, `cleaner` sanitises HTML to it (clean_html), `structure`
gives the result the editor's block shape, `urls` checks links and tracking pixels and gives
links one canonical form, `text` reduces markup to plain text (clean_text).
"""

from mediahub.sanitize.cleaner import clean_html
from mediahub.sanitize.policy import (
    ALLOWED_ATTRIBUTES,
    ALLOWED_PROTOCOLS,
    ALLOWED_TAGS,
    EDITOR_FEATURES,
    LINK_REL,
)
from mediahub.sanitize.text import clean_text
from mediahub.sanitize.urls import canonical_link, is_tracking_pixel, safe_url, strip_tracking

__all__ = [
    "ALLOWED_ATTRIBUTES",
    "ALLOWED_PROTOCOLS",
    "ALLOWED_TAGS",
    "EDITOR_FEATURES",
    "LINK_REL",
    "canonical_link",
    "clean_html",
    "clean_text",
    "is_tracking_pixel",
    "safe_url",
    "strip_tracking",
]
