"""Links to the wall from any template, built from the page tree like every post link."""

from django import template

from muurkrant.models import wall_path

register = template.Library()


@register.inclusion_tag("components/wall_nav_link.html", takes_context=True)
def wall_nav_link(context) -> dict:
    """The menu's link to the wall, marked current on the wall and on every post beneath it."""
    url = wall_path()
    request = context.get("request")
    return {"url": url, "current": request is not None and request.path.startswith(url)}
