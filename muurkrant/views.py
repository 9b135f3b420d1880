"""The resident's side of the wall: the wall, a post, reporting a post, the partners and live."""

import hashlib
import re
from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponsePermanentRedirect,
    HttpResponseRedirect,
)
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.i18n import set_language

from mediahub.client_address import client_address
from mediahub.models import Partner
from mediahub.sanitize import clean_text, safe_url
from muurkrant.forms import ReportForm
from muurkrant.front import arrange
from muurkrant.models import Post, PostQuerySet, WallPage, Wijk, wall_path
from muurkrant.moderation import record_report
from muurkrant.pagecache import keep_for_anonymous
from muurkrant.queries import FILTER_KEYS, filter_links, filter_posts, paginate, parse_filters
from muurkrant.reading import record_read

VIDEO_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
HOST = re.compile(r"^[a-z0-9.-]{1,253}$")
PARTNER_PAGE_SIZE = 24
MORE_POSTS = 4
TRAILING_ELLIPSIS = re.compile(r"\s*\[?(?:…|\.\.\.)\]?$")


def cards(posts: PostQuerySet) -> PostQuerySet:
    """Posts with all a card shows, renditions and the story's other versions included, in a
    fixed number of queries."""
    return (
        posts.for_cards()
        .with_story_versions()
        .prefetch_related("image__renditions", "partner__logo__renditions")
    )


def wall(request: HttpRequest, wall_page: WallPage) -> HttpResponse:
    filters = parse_filters(request.GET)
    posts = filter_posts(Post.objects.on_wall(), filters).one_per_story()
    wijken = list(Wijk.objects.all())
    found = paginate(cards(posts), filters, request.GET, wall_page.posts_per_page)
    response = wall_page.render(
        request,
        context_overrides={
            "filters": filters,
            "slice": found,
            "front": arrange(found, hierarchy=not filters.active),
            "partners": Partner.objects.active().only("name", "slug"),
            "wijken": wijken,
            "kinds": Post.Kind.choices,
            "wijk_links": filter_links(filters, "wijk", [(w.slug, w.name) for w in wijken]),
            "kind_links": filter_links(filters, "kind", Post.Kind.choices),
            "live_update_seconds": settings.WALL_LIVE_UPDATE_SECONDS,
        },
    )
    if set(request.GET) <= set(FILTER_KEYS):  # the first page: no cursor
        keep_for_anonymous(response)
    return response


def post_detail(request: HttpRequest, wall_page: WallPage, pk: int, slug: str) -> HttpResponse:
    post = _wall_post_or_404(pk)
    if slug != post.slug:
        return HttpResponsePermanentRedirect(post.get_absolute_url())
    url = request.build_absolute_uri(post.get_absolute_url())
    embed_url = video_embed_url(post)
    playable = post.playable()
    video_link = safe_url(post.video_url)
    prefetch_related_objects([post], "tags")  # read by the page and by its JSON-LD
    wijken = list(post.wijken.all())
    from_partner = list(cards(neighbours(post).for_partner(post.partner))[:MORE_POSTS])
    in_wijk = (
        neighbours(post)
        .filter(pk__in=Post.objects.filter(wijken__in=wijken).values("pk"))
        .exclude(pk__in=[other.pk for other in from_partner])
    )
    show_summary, show_body = summary_and_body(post)
    response = wall_page.render(
        request,
        template="muurkrant/post_page.html",
        context_overrides={
            "post": post,
            "tags": list(post.tags.all()),
            "wijken": wijken,
            "show_summary": show_summary,
            "show_body": show_body,
            "more_from_partner": from_partner,
            "more_in_wijk": list(cards(in_wijk)[:MORE_POSTS]) if wijken else [],
            "original_link": safe_url(post.link),
            "video_link": video_link,
            "video_host": urlsplit(video_link).hostname,
            "embed_url": embed_url,
            "embed_host": urlsplit(embed_url).hostname,
            "audio_url": playable.url if playable else "",
            "share_links": share_links(post.title, url),
            "report_sent": request.GET.get("gemeld") == "1",
            "other_versions": story_versions(post.story_id, exclude=post.pk),
        },
    )
    record_read(request, post.pk)
    if not request.GET:
        keep_for_anonymous(response, read_post_id=post.pk)
    return response


def summary_and_body(post: Post) -> tuple[bool, bool]:
    """Whether the page shows the summary and the body: feeds often send the summary again as
    the body, or open the body with it, and a resident should read each sentence once."""
    summary = clean_text(post.summary)
    body = clean_text(post.body)
    if not summary or not body:
        return bool(summary), bool(post.body.strip())  # a body of pictures only has no text
    if body == summary:
        return True, False
    return not body.startswith(TRAILING_ELLIPSIS.sub("", summary)), True


def neighbours(post: Post) -> PostQuerySet:
    """Other posts on the wall to read next: neither this post nor another version of its story."""
    others = Post.objects.on_wall().exclude(pk=post.pk)
    if post.story_id is not None:
        others = others.exclude(story_id=post.story_id)
    return others


def story_versions(story_id: int | None, exclude: int | None = None) -> list[Post]:
    """The versions of a story on the wall, earliest first (none for a post in no story)."""
    if story_id is None:
        return []
    posts = Post.objects.on_wall().filter(story_id=story_id).exclude(pk=exclude)
    return list(posts.select_related("partner").order_by("published_at", "pk"))


def story_page(request: HttpRequest, wall_page: WallPage, pk: int) -> HttpResponse:
    """One story: every partner's version of it on the wall, the earliest first."""
    posts = list(cards(Post.objects.on_wall().filter(story_id=pk)).order_by("published_at", "pk"))
    if not posts:
        raise Http404
    return wall_page.render(
        request,
        template="muurkrant/story_page.html",
        context_overrides={"story_posts": posts, "lead": posts[0]},
    )


def report(request: HttpRequest, wall_page: WallPage, pk: int, slug: str) -> HttpResponse:
    """Takes a resident's abuse report; stores a daily fingerprint instead of their address."""
    post = _wall_post_or_404(pk)
    if request.method == "GET" and slug != post.slug:
        return HttpResponsePermanentRedirect(post.get_report_url())
    form = ReportForm(
        request.POST if request.method == "POST" else None,
        post=post,
        fingerprint=client_fingerprint(request),
    )
    if form.is_valid():
        record_report(
            post, form.cleaned_data["reason"], form.cleaned_data["message"], form.fingerprint
        )
        return HttpResponseRedirect(f"{post.get_absolute_url()}?gemeld=1", status=303)
    response = wall_page.render(
        request,
        template="muurkrant/report_page.html",
        context_overrides={"post": post, "form": form},
    )
    if form.is_bound:
        response.status_code = 400
    return response


def partner_directory(request: HttpRequest) -> HttpResponse:
    """Every active partner, grouped by kind in the order the kinds are defined."""
    partners = list(
        Partner.objects.active().select_related("logo").prefetch_related("logo__renditions")
    )
    groups = [
        (kind, label, members)
        for kind, label in Partner.Kind.choices
        if (members := [partner for partner in partners if partner.kind == kind])
    ]
    return TemplateResponse(request, "muurkrant/partner_directory.html", {"groups": groups})


def live(request: HttpRequest) -> HttpResponse:
    """Every partner with a live stream; nothing is loaded from a stream until play."""
    partners = Partner.objects.on_air().select_related("logo").prefetch_related("logo__renditions")
    return TemplateResponse(request, "muurkrant/live_page.html", {"partners": partners})


def partner_page(request: HttpRequest, slug: str) -> HttpResponse:
    partner = get_object_or_404(Partner.objects.active().select_related("logo"), slug=slug)
    filters = parse_filters(request.GET, partner=partner)
    posts = filter_posts(Post.objects.on_wall(), filters).one_per_story()
    found = paginate(cards(posts), filters, request.GET, PARTNER_PAGE_SIZE)
    return TemplateResponse(
        request,
        "muurkrant/partner_page.html",
        {
            "partner": partner,
            "website": safe_url(partner.website),
            "filters": filters,
            "slice": found,
            "front": arrange(found, hierarchy=False),
            "wall_url": wall_path(),
        },
    )


# The language switch is on every page: a CSRF token there would hand every resident a cookie
# on their first visit. Switching someone's language is harmless, so this form needs none.
switch_language = csrf_exempt(set_language)


def client_fingerprint(request: HttpRequest) -> str:
    """A hash of the secret, the client's address and today's date: limits abuse, forgets people."""
    address = client_address(request)
    day = timezone.localdate().isoformat()
    return hashlib.sha256(f"{settings.SECRET_KEY}|{address}|{day}".encode()).hexdigest()


def video_embed_url(post: Post) -> str:
    """The provider's privacy-friendly player URL, built from the provider and id alone."""
    video_id = post.video_id
    if not VIDEO_ID.match(video_id):
        return ""
    if post.video_provider == "youtube":
        return f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1"
    if post.video_provider == "vimeo" and video_id.isdigit():
        return f"https://player.vimeo.com/video/{video_id}?dnt=1"
    if post.video_provider == "peertube":
        parts = urlsplit(post.video_url)
        host = (parts.hostname or "").lower()
        if parts.scheme == "https" and HOST.match(host):
            return f"https://{host}/videos/embed/{video_id}"
    return ""


def share_links(title: str, url: str) -> list[tuple[str, str]]:
    """Plain share URLs: nothing is loaded from these services until a resident follows one."""
    text = f"{title} {url}"
    return [
        (_("E-mail"), "mailto:?" + urlencode({"subject": title, "body": url}, quote_via=quote)),
        ("WhatsApp", "https://wa.me/?" + urlencode({"text": text})),
        ("Telegram", "https://t.me/share/url?" + urlencode({"url": url, "text": title})),
        ("Bluesky", "https://bsky.app/intent/compose?" + urlencode({"text": text})),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
    ]


def _wall_post_or_404(pk: int) -> Post:
    post = (
        Post.objects.on_wall()
        .select_related("partner__logo", "image", "audio", "original__partner")
        .filter(pk=pk)
        .first()
    )
    if post is None:
        raise Http404
    return post
