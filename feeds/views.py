"""Feeds out over HTTP: the wall and partners as RSS, Atom and JSON Feed, and the OPML of sources.

The cached path reads the query string, the cache and nothing else: no session, no database.
"""

from datetime import UTC, datetime
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from feeds.caching import Rendered, cached, make_etag
from feeds.jsonfeed_out import write_json_feed
from feeds.models import Source
from feeds.opml import write_opml
from feeds.syndication import DEFAULT_LIMIT, MAX_LIMIT, FeedSpec, load_entries, write_xml
from mediahub.models import Partner
from muurkrant.models import wall_path
from muurkrant.queries import FILTER_KEYS, parse_filters

CONTENT_TYPES = {
    "rss": "application/rss+xml; charset=utf-8",
    "atom": "application/atom+xml; charset=utf-8",
    "json": "application/feed+json; charset=utf-8",
}
OPML_CONTENT_TYPE = "text/x-opml; charset=utf-8"


class BadFeedRequest(ValueError):
    """A query parameter a feed cannot honour; the message is shown to the consumer."""


def feed_params(query: QueryDict) -> dict[str, str]:
    """The filters and limit as normalised text, read without the database (the cache key)."""
    params = {key: " ".join(query.get(key, "").split())[:200] for key in FILTER_KEYS}
    params = {key: value for key, value in params.items() if value}
    limit = query.get("limit", "").strip()
    if limit:
        if not limit.isdigit() or not 1 <= int(limit) <= MAX_LIMIT:
            raise BadFeedRequest(
                _("limit must be a whole number from 1 to %(max)d.") % {"max": MAX_LIMIT}
            )
        if int(limit) != DEFAULT_LIMIT:
            params["limit"] = str(int(limit))
    return params


def build_spec(path: str, params: dict[str, str], partner: Partner | None) -> FeedSpec:
    """Resolves the filters (as the wall does) and loads the entries of one feed."""
    query = QueryDict(mutable=True)
    query.update(params)
    filters = parse_filters(query, partner=partner)
    suffix = "?" + urlencode(params) if params else ""
    home_query = filters.query_with(partner="") if partner else filters.query_with()
    if partner is not None:
        home = reverse("muurkrant:partner", args=[partner.slug]) + home_query
        title = f"{partner.name} · Muurkrant"
        description = partner.description or _("News from %(name)s on the Muurkrant.") % {
            "name": partner.name
        }
    else:
        home = wall_path() + home_query
        title = "Muurkrant"
        description = _("Local news from the city’s broadcasters, institutions and initiatives.")
    labels = [str(active.value) for active in filters.active]
    if labels:
        title = f"{title}: {', '.join(labels)}"
    spec = FeedSpec(
        filters=filters,
        limit=int(params.get("limit", DEFAULT_LIMIT)),
        feed_url=settings.SITE_URL + path + suffix,
        home_url=settings.SITE_URL + home,
        title=title,
        description=description,
        partner=partner,
        hub=settings.WEBSUB_HUB,
    )
    spec.entries = load_entries(spec)
    return spec


def render_feed(request: HttpRequest, fmt: str, params: dict, slug: str | None) -> Rendered:
    partner = None
    if slug is not None:
        partner = get_object_or_404(Partner.objects.active().select_related("logo"), slug=slug)
    # Feeds are cached for everyone: they speak the site's language, not the visitor's.
    with translation.override(settings.LANGUAGE_CODE):
        spec = build_spec(request.path, params, partner)
        body = write_json_feed(spec) if fmt == "json" else write_xml(spec, request, fmt)
    newest = max((entry.updated for entry in spec.entries), default=datetime.now(UTC))
    return Rendered(body, CONTENT_TYPES[fmt], make_etag(body), newest.timestamp())


def add_feed_headers(response: HttpResponse, etag: str, last_modified: float) -> HttpResponse:
    response["ETag"] = etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = f"public, max-age={settings.FEEDS_OUT_MAX_AGE}"
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "ETag, Last-Modified"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def conditional(request: HttpRequest, rendered: Rendered) -> HttpResponse:
    """304 when the client's copy is current (answered from the validators alone), else the body."""
    response = get_conditional_response(
        request, etag=rendered.etag, last_modified=int(rendered.last_modified)
    )
    if response is None:
        response = HttpResponse(rendered.body, content_type=rendered.content_type)
    return add_feed_headers(response, rendered.etag, rendered.last_modified)


def serve_feed(request: HttpRequest, fmt: str, slug: str | None = None) -> HttpResponse:
    try:
        params = feed_params(request.GET)
    except BadFeedRequest as exc:
        response = HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
        response["Access-Control-Allow-Origin"] = "*"
        return response
    key = f"{request.path}?{urlencode(params)}"
    rendered = cached(key, lambda: render_feed(request, fmt, params, slug))
    return conditional(request, rendered)


@require_safe
def wall_feed(request: HttpRequest, fmt: str) -> HttpResponse:
    return serve_feed(request, fmt)


@require_safe
def partner_feed(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    return serve_feed(request, fmt, slug)


@require_safe
def sources_opml(request: HttpRequest) -> HttpResponse:
    """The active sources of active partners, for feed readers and other hubs."""
    sources = Source.objects.filter(active=True, partner__active=True).select_related("partner")
    body = write_opml(sources.order_by("partner__name", "title", "url"), title="Muurkrant")
    now = datetime.now(UTC).timestamp()
    return conditional(request, Rendered(body, OPML_CONTENT_TYPE, make_etag(body), now))
