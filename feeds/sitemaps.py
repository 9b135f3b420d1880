"""The sitemap: the site's pages and the posts on the wall, absolute on SITE_URL like the feeds."""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps.views import sitemap
from django.http import HttpRequest, HttpResponse
from wagtail.models import Page

from feeds.caching import Rendered, cached, make_etag
from feeds.views import conditional
from mediahub.models import routed_pages
from muurkrant.models import Post

# One sitemap file holds at most 50,000 URLs; the newest posts fill it, older ones drop off.
MAX_POSTS = 45_000


class SiteUrlSitemap(Sitemap):
    """Locations on SITE_URL rather than on the host the request came in by."""

    def get_protocol(self, protocol=None) -> str:
        return urlsplit(settings.SITE_URL).scheme

    def get_domain(self, site=None) -> str:
        return urlsplit(settings.SITE_URL).netloc


class PageSitemap(SiteUrlSitemap):
    def items(self):
        pages = routed_pages(Page.objects.live().public().filter(depth__gt=1))
        return pages.specific().order_by("path")

    def location(self, page: Page) -> str:
        return urlsplit(page.get_url() or "/").path

    def lastmod(self, page: Page):
        return page.last_published_at


class PostSitemap(SiteUrlSitemap):
    limit = 50_000

    def items(self):
        posts = Post.objects.on_wall().only("id", "title", "published_at", "updated_at")
        return posts[:MAX_POSTS]

    def location(self, post: Post) -> str:
        return post.get_absolute_url()

    def lastmod(self, post: Post):
        return max(post.updated_at, post.published_at)


SITEMAPS = {"pages": PageSitemap, "posts": PostSitemap}


def sitemap_xml(request: HttpRequest) -> HttpResponse:
    """Rendered once per change of the posts, like the feeds."""

    def render() -> Rendered:
        response = sitemap(request, sitemaps=SITEMAPS)
        body = response.render().content
        return Rendered(body, "application/xml; charset=utf-8", make_etag(body), time.time())

    return conditional(request, cached("sitemap.xml", render))
