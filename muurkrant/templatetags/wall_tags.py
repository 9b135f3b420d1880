"""The wall for pages that live outside muurkrant, such as the home page."""

from django import template

from muurkrant.models import Post, PostQuerySet, WallPage

register = template.Library()


@register.simple_tag
def wall_page() -> WallPage | None:
    """The live wall, to link to."""
    return WallPage.objects.live().first()


@register.simple_tag
def latest_posts(count: int) -> PostQuerySet:
    """The newest posts on the wall, with what their cards need."""
    return Post.objects.on_wall().for_cards()[:count]
