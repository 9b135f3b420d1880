"""What a card says about a post at a glance."""

from django import template
from django.utils.safestring import SafeString

from muurkrant import search

register = template.Library()


@register.filter
def duration(seconds: int | None) -> str:
    """A running time as a player shows it: "3:25", "1:02:05"."""
    if not seconds:
        return ""
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


@register.filter
def highlight(text: str, query: str) -> SafeString:
    """The text with the words the search matched marked, escaped either way."""
    return search.highlight(str(text), query or "")
