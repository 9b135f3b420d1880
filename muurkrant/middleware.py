"""Old addresses of the wall keep answering after an editor renames or moves it."""

from collections.abc import Callable

from django.db.models.functions import Length
from django.http import HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Site

from muurkrant.models import WallPage, wall_path


def moved_wall_url(request: HttpRequest) -> str | None:
    """Where an address under one of the wall's former paths lives now, if it was one.

    Wagtail's redirects app records a renamed page's old path (/oud → the wall), but it
    only redirects that exact path; a routable page's sub-paths (/oud/12-titel/melden/)
    are not pages of their own. This carries them, and the query, to the same route.
    """
    segments = request.path.strip("/").split("/")
    prefixes = ["/" + "/".join(segments[:count]) for count in range(1, len(segments) + 1)]
    redirect = (
        Redirect.get_for_site(Site.find_for_request(request))
        .filter(old_path__in=prefixes, redirect_page__in=WallPage.objects.all())
        .order_by(Length("old_path").desc())
        .first()
    )
    if redirect is None:
        return None
    target = wall_path() + request.path[len(redirect.old_path) :].lstrip("/")
    if target == request.path:
        return None  # a former path in use again: the 404 is the answer
    query = request.META.get("QUERY_STRING", "")
    return f"{target}?{query}" if query else target


class OldWallPathMiddleware:
    """Redirects a 404 under a former path of the wall to the same route under its current one."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code == 404 and request.method in ("GET", "HEAD"):
            target = moved_wall_url(request)
            if target is not None:
                return HttpResponsePermanentRedirect(target)
        return response
