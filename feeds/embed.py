"""The wall on other sites and on screens: the iframe widget, its loader script, screen mode.

Only the widget may be framed, by anyone; it sets no cookies and loads nothing from elsewhere.
"""

import io
from pathlib import Path
from urllib.parse import urlencode

import segno
from csp.decorators import csp_replace
from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.template.response import TemplateResponse
from django.urls import reverse
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from muurkrant.models import Post, wall_path
from muurkrant.queries import filter_posts, parse_filters

SCRIPT = Path(__file__).resolve().parent / "static" / "feeds" / "embed" / "wall.js"
WIDGET_LIMIT = 10
WIDGET_MAX = 50
SCREEN_INTERVAL = 12
SCREEN_REFRESH = 180


def bounded_int(query: QueryDict, name: str, default: int, low: int, high: int) -> int:
    """A number from the query, clamped: a widget on someone's page should never break."""
    value = query.get(name, "")
    return min(max(int(value), low), high) if value.isdigit() else default


def choice(query: QueryDict, name: str, options: tuple[str, ...]) -> str:
    value = query.get(name, "")
    return value if value in options else options[0]


@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
@require_safe
def embed_wall(request: HttpRequest) -> HttpResponse:
    filters = parse_filters(request.GET)
    limit = bounded_int(request.GET, "limit", WIDGET_LIMIT, 1, WIDGET_MAX)
    posts = (
        filter_posts(Post.objects.on_wall(), filters)
        .one_per_story()
        .for_cards()
        .prefetch_related("image__renditions")[:limit]
    )
    params = filters.as_params()
    response = TemplateResponse(
        request,
        "feeds/embed_wall.html",
        {
            "posts": posts,
            "filters": filters,
            "theme": choice(request.GET, "theme", ("light", "dark")),
            "layout": choice(request.GET, "layout", ("list", "compact")),
            "wall_url": wall_path() + filters.query_with(),
            "feed_query": "?" + urlencode(params) if params else "",
        },
    )
    response["Cache-Control"] = "public, max-age=300"
    return response


@require_safe
def embed_script(request: HttpRequest) -> HttpResponse:
    """The loader other sites include: it makes the iframe and follows its height."""
    response = HttpResponse(SCRIPT.read_bytes(), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def screen(request: HttpRequest) -> HttpResponse:
    """Screen mode: the page is a shell; its script shows the JSON Feed and keeps it fresh."""
    filters = parse_filters(request.GET)
    params = filters.as_params()
    return TemplateResponse(
        request,
        "feeds/screen.html",
        {
            "filters": filters,
            "feed_url": reverse("feeds:wall", kwargs={"fmt": "json"})
            + ("?" + urlencode(params) if params else ""),
            "interval": bounded_int(request.GET, "interval", SCREEN_INTERVAL, 5, 300),
            "refresh": bounded_int(request.GET, "refresh", SCREEN_REFRESH, 30, 3600),
        },
    )


@require_safe
def post_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """A QR code (SVG) to a post on the wall, so a screen can send people to it without sound."""
    post = Post.objects.on_wall().filter(pk=pk).only("id", "title").first()
    if post is None:
        raise Http404
    code = segno.make(settings.SITE_URL + post.get_absolute_url(), error="m")
    svg = io.BytesIO()
    code.save(svg, kind="svg", border=2, dark="#000", light="#fff", omitsize=True)
    response = HttpResponse(svg.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=86400"
    return response
