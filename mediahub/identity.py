"""The site identity on public pages: in every template's context, and its colour as a stylesheet.

The colour comes as a small stylesheet of its own rather than an inline <style>: the public
Content-Security-Policy allows styles from the site only, and a page kept in a cache must not
depend on a per-response nonce. Its address names the colour, so it is cached for a year.
"""

from django.http import HttpRequest, HttpResponse
from django.utils.functional import SimpleLazyObject
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_safe

from mediahub.models import Identity, site_identity


def identity(request: HttpRequest) -> dict[str, Identity]:
    """Context processor: `identity` for the header, titles and footer; looked up only by a
    template that uses it (the admin's do not)."""
    return {"identity": SimpleLazyObject(site_identity)}


@require_safe
@cache_control(public=True, max_age=365 * 24 * 3600, immutable=True)
def theme_css(request: HttpRequest) -> HttpResponse:
    """The accent colour as a custom property that site.css uses throughout."""
    css = f":root {{ --accent: {site_identity().accent}; }}\n"
    return HttpResponse(css, content_type="text/css; charset=utf-8")
