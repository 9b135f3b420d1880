"""Moderation rules shared by every way a post arrives: admin, API and feeds."""

from muurkrant.models import ModerationSettings, Post


def matched_keywords(*texts: str) -> list[str]:
    """The moderation keywords that occur in any of the texts (case-insensitive)."""
    keywords = ModerationSettings.load().keyword_list()
    haystack = " ".join(texts).lower()
    return [word for word in keywords if word in haystack]


def initial_status(trusted: bool, *texts: str) -> str:
    """Trusted partners and sources publish at once, unless a moderation keyword matches."""
    if trusted and not matched_keywords(*texts):
        return Post.Status.PUBLISHED
    return Post.Status.PENDING
