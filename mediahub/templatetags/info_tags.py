"""The footer every public page carries: the site's own text and the way to the statements."""

from django import template

from mediahub.models import info_page_paths, site_identity

register = template.Library()


@register.inclusion_tag("components/site_footer.html", takes_context=True)
def site_footer(context) -> dict:
    """Links to the live statements as the page tree has them; an unpublished one is left out."""
    request = context.get("request")
    return {
        "paths": info_page_paths(),
        "current": request.path if request is not None else "",
        "identity": site_identity(),
    }
