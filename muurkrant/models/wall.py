"""The wall page, and where in the page tree it lives."""

from __future__ import annotations

from typing import TYPE_CHECKING

from asgiref.local import Local
from django.core.cache import cache
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField
from wagtail.models import Page

from mediahub.models import ReaderLanguageMixin, routed_pages
from muurkrant import signals

if TYPE_CHECKING:
    from muurkrant.models.posts import Post


class WallPage(ReaderLanguageMixin, RoutablePageMixin, Page):
    """The public wall: every partner's published posts, newest first, each on a route below it.

    Editors may rename or move it, so every link to it or to a post is built from the page tree
    (``wall_path``), never written down.
    """

    intro = RichTextField(_("introduction"), blank=True)
    posts_per_page = models.PositiveSmallIntegerField(_("posts per page"), default=24)

    parent_page_types = ["mediahub.HomePage"]
    subpage_types: list[str] = []
    max_count = 1

    class Meta:
        verbose_name = _("wall page")

    # The routes hand over to muurkrant.views, which imports this module (hence the local imports).
    @path("")
    def wall_index(self, request):
        from muurkrant.views import wall

        return wall(request, self)

    @path("<int:pk>/")
    def post_without_slug(self, request, pk):
        from muurkrant.views import post_detail

        return post_detail(request, self, pk, "")

    @path("<int:pk>-<slug:slug>/")
    def post_page(self, request, pk, slug):
        from muurkrant.views import post_detail

        return post_detail(request, self, pk, slug)

    @path("<int:pk>-<slug:slug>/melden/")
    def report_post(self, request, pk, slug):
        from muurkrant.views import report

        return report(request, self, pk, slug)

    @path("verhaal/<int:pk>/")
    def story_page(self, request, pk):
        from muurkrant.views import story_page

        return story_page(request, self, pk)

    @classmethod
    def story_path(cls, story_id: int) -> str:
        """A story's page, listing every partner's version, under the wall's current path."""
        return wall_path() + cls.get_resolver().reverse("story_page", pk=story_id)

    @classmethod
    def post_path(cls, post: Post, route: str = "post_page") -> str:
        """A post's path: one of the routes above, under the wall's current path."""
        return wall_path() + cls.get_resolver().reverse(route, pk=post.pk, slug=post.slug)

    @classmethod
    def path_in_tree(cls) -> str | None:
        """The wall's path on its site as the page tree says now, or None while it has none."""
        wall = routed_pages(cls.objects.order_by("-live", "path")).first()
        parts = wall.get_url_parts() if wall is not None else None
        return parts[2] if parts is not None else None


WALL_PATH_KEY = "muurkrant:wall-path"
# While a request runs the path is read from the shared cache once; outside a request
# (commands, workers) on every call, so a long-lived worker never keeps an old path.
_request_memo = Local()


def wall_path() -> str:
    """The wall's path, such as "/nieuws/", kept in the cache until a page or site changes."""
    path = getattr(_request_memo, "path", None)
    if path is None:
        path = cache.get(WALL_PATH_KEY)
        if path is None:
            path = WallPage.path_in_tree()
            if path is None:
                return "/"  # no wall yet: nothing to cache, the home page leads on
            cache.set(WALL_PATH_KEY, path, timeout=None)
        if getattr(_request_memo, "active", False):
            _request_memo.path = path
    return path


def forget_wall_path(**kwargs) -> None:
    """A page was published, moved or deleted, or a site changed: the wall may live elsewhere."""
    cache.delete(WALL_PATH_KEY)
    _request_memo.path = None
    # Again after the commit: a request in between may have cached the old path.
    transaction.on_commit(lambda: cache.delete(WALL_PATH_KEY))
    # Every post's link changed with it: whatever was built from them (cached feeds) is stale.
    signals.posts_changed.send(sender=WallPage, partner_ids=[])


def start_request_memo(**kwargs) -> None:
    _request_memo.active, _request_memo.path = True, None


def end_request_memo(**kwargs) -> None:
    _request_memo.active, _request_memo.path = False, None
