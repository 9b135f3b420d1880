"""The wall's first page and post pages for anonymous visitors, kept until what they show changes.

Entries are keyed by the content generation (``mediahub.caching``), as the feeds out are: a
change to a post, a partner, the site identity or the page tree bumps it. Only requests that
carry no cookie but the language choice are served from the cache or stored in it: anyone with
a session or CSRF cookie may see something of their own. The key holds the language, so a
resident who chose English gets English from the cache as well.

Two middlewares, as Django's own cache middleware: ``ServeCachedPageMiddleware`` sits after the
authentication middleware (it knows the language and can count a read), and
``StorePageMiddleware`` comes first, so that it sees the response as the visitor would, with
every cookie and header, and never stores one that sets a cookie.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from mediahub.caching import content_changed, generation
from muurkrant.models import Post
from muurkrant.reading import record_read


@dataclass(frozen=True)
class CachedPage:
    """A rendered page as stored: what the visitor gets, and the post whose read it counts."""

    body: bytes
    status: int
    headers: dict[str, str]
    read_post_id: int | None


def keep_for_anonymous(response: HttpResponse, read_post_id: int | None = None) -> HttpResponse:
    """Marks a public page that anonymous visitors may be served from the cache; a page that
    counts reads names its post, so that a read served from the cache still counts."""
    response.page_cache_read_post_id = read_post_id
    response.page_cacheable = True
    return response


def is_anonymous_visit(request: HttpRequest) -> bool:
    """A GET or HEAD that carries no cookie but the language choice."""
    return request.method in ("GET", "HEAD") and set(request.COOKIES) <= {
        settings.LANGUAGE_COOKIE_NAME
    }


def page_key(request: HttpRequest) -> str:
    query = urlencode(sorted(request.GET.lists()), doseq=True)
    address = f"{request.get_host()}|{request.path}|{query}|{translation.get_language()}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:40]
    return f"pages:{generation()}:{digest}"


class ServeCachedPageMiddleware:
    """Answers an anonymous visit from the cache when the page is there."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_anonymous_visit(request) or request.user.is_authenticated:
            return self.get_response(request)
        key = page_key(request)
        page = cache.get(key)
        if page is None:
            request.page_cache_key = key
            return self.get_response(request)
        if page.read_post_id is not None:
            record_read(request, page.read_post_id)
        return HttpResponse(page.body, status=page.status, headers=page.headers)


class StorePageMiddleware:
    """Stores a page that was missed, once every other middleware has had its say."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        key = getattr(request, "page_cache_key", None)
        if (
            key is not None
            and getattr(response, "page_cacheable", False)
            and response.status_code == 200
            and not response.cookies
            and not response.streaming
        ):
            page = CachedPage(
                body=response.content,
                status=response.status_code,
                headers=dict(response.headers.items()),
                read_post_id=response.page_cache_read_post_id,
            )
            cache.set(key, page, timeout=settings.PAGE_CACHE_SECONDS)
        return response


def post_saved(sender, instance: Post, created: bool = False, **kwargs) -> None:
    if created and instance.status != Post.Status.PUBLISHED:
        return  # nothing public changed
    content_changed()
