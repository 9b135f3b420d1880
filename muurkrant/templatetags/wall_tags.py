"""The wall for pages that live outside muurkrant, such as the home page."""

from django import template

from mediahub.models import routed_pages
from muurkrant.models import Post, PostQuerySet, WallPage, wall_path

register = template.Library()


@register.simple_tag
def wall_page() -> WallPage | None:
    """The live wall, to link to."""
    return routed_pages(WallPage.objects.live()).first()


@register.simple_tag
def latest_posts(count: int) -> PostQuerySet:
    """The newest posts on the wall, with what their cards need."""
    posts = Post.objects.on_wall().for_cards()
    return posts.prefetch_related("image__renditions", "partner__logo__renditions")[:count]


@register.simple_tag
def wall_url() -> str:
    """The wall's path, wherever the page tree has it."""
    return wall_path()


@register.inclusion_tag("components/wall_nav_link.html", takes_context=True)
def wall_nav_link(context) -> dict:
    """The menu's link to the wall, marked current on the wall and on every post beneath it."""
    url = wall_path()
    request = context.get("request")
    return {"url": url, "current": request is not None and request.path.startswith(url)}
