"""The partner API at /api/v1/: post and follow your own items, browse the pool, take items over.

Only Wagtail API tokens (Authorization: Bearer) authenticate; session cookies are never
accepted, which is why the endpoints can be CSRF-exempt. Every text field passes the one
sanitiser and every image the safe importer, exactly as posts from the admin and feeds do.
"""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.text import slugify
from ninja import NinjaAPI, Query, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PageNumberPagination, paginate
from ninja.parser import Parser
from wagtail.log_actions import log

from mediahub.audio import (
    AudioRejected,
    AudioTooLarge,
    audio_duration,
    audio_type,
    import_audio,
)
from mediahub.fetch import FetchError
from mediahub.images import ImageRejected, fetch_image, import_image
from mediahub.models import Partner
from muurkrant import takeover
from muurkrant.api.auth import PartnerTokenAuth, RateLimited
from muurkrant.api.idempotency import fingerprint, run_once
from muurkrant.api.openapi import TAGS, documented, request_body
from muurkrant.api.schemas import (
    Kind,
    PoolPostOut,
    PostCreated,
    PostIn,
    PostOut,
    PostPatch,
    TakeoverAsked,
    WijkOut,
    created_body,
    dump_post,
)
from muurkrant.models import Post, TakeoverRequest, Wijk
from muurkrant.moderation import apply_change, stored_state
from muurkrant.queries import WallFilters, filter_posts

PAGE_SIZE = 20
_LIST_FIELDS = frozenset({"tags", "wijken"})


class _JSONOrFormParser(Parser):
    """JSON bodies, and multipart forms (a post with image or audio files) read the same way."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.content_type == "multipart/form-data":
            if request.method != "POST":
                _load_form(request)
            return {
                key: request.POST.getlist(key) if key in _LIST_FIELDS else request.POST[key]
                for key in request.POST
            }
        return super().parse_body(request)


def _load_form(request: HttpRequest) -> None:
    """Django reads the form and files of a POST only: a PATCH with a new file is read the same
    way, as ninja's fix_request_files_middleware does, but for this API alone."""
    method = request.method
    request.method = request.META["REQUEST_METHOD"] = "POST"
    try:
        request._load_post_and_files()
    finally:
        request.method = request.META["REQUEST_METHOD"] = method


api = NinjaAPI(
    title="Mediahub partner API",
    version="1",
    description=(
        "Post to the Muurkrant and follow what happens to your posts; browse and take over "
        "other partners' published posts. Authenticate with `Authorization: Bearer <token>`."
    ),
    urls_namespace="api-v1",
    auth=PartnerTokenAuth(),
    parser=_JSONOrFormParser(),
    openapi_extra={"tags": TAGS},
)


def _json_error(request: HttpRequest, status: int, detail: str) -> HttpResponse:
    return api.create_response(request, {"detail": detail}, status=status)


@api.exception_handler(AuthenticationError)
def _unauthorized(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    detail = str(exc) if str(exc) != "Unauthorized" else "A valid API token is required."
    response = _json_error(request, 401, detail)
    response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


@api.exception_handler(RateLimited)
def _too_many(request: HttpRequest, exc: RateLimited) -> HttpResponse:
    response = _json_error(request, 429, str(exc))
    response["Retry-After"] = str(exc.retry_after)
    return response


@api.exception_handler(RequestDataTooBig)
def _too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
    return _json_error(request, 413, f"The request is larger than {limit} MB.")


def _invalid(field: str, message: str, *, where: str = "payload") -> ValidationError:
    """A 422 in the same shape as the schema's own errors, naming the field."""
    loc = ["body", where, field] if where else ["body", field]
    return ValidationError([{"type": "value_error", "loc": loc, "msg": message}])


def _respond(
    request: HttpRequest, fingerprint: str, run: Callable[[], tuple[int, dict[str, Any]]]
) -> HttpResponse:
    status, body = run_once(request, fingerprint, run)
    return api.create_response(request, body, status=status)


# --- shared steps -----------------------------------------------------------------------


def _own_posts(request: HttpRequest):
    return Post.objects.for_partner(request.auth.partner)


def _wijken(slugs: list[str]) -> list[Wijk]:
    wanted = list(dict.fromkeys(slug.strip() for slug in slugs if slug.strip()))
    found = {wijk.slug: wijk for wijk in Wijk.objects.filter(slug__in=wanted)}
    unknown = [slug for slug in wanted if slug not in found]
    if unknown:
        raise _invalid(
            "wijken", f"Unknown wijk: {', '.join(unknown)}. GET /api/v1/wijken lists them."
        )
    return [found[slug] for slug in wanted]


def _image(request: HttpRequest, image_url: str, alt: str, title: str):
    """The uploaded or linked image, stored safely; None when neither was sent."""
    upload = request.FILES.get("image")
    if upload is None and not image_url:
        return None
    if upload is not None and image_url:
        raise _invalid("image_url", "Send an image file or image_url, not both.")
    if not alt:
        raise _invalid("image_alt", "Describe the image for people who cannot see it.")
    if upload is not None:
        try:
            return import_image(
                upload.read(),
                title=title,
                filename_hint=upload.name or "",
                partner=request.auth.partner,
            )
        except ImageRejected as exc:
            raise _invalid("image", str(exc), where="") from exc
    try:
        return fetch_image(image_url, title=title, partner=request.auth.partner)
    except (FetchError, ImageRejected) as exc:
        raise _invalid("image_url", f"The image could not be used: {exc}") from exc


def _needs_audio(kind: str, has_audio: bool) -> None:
    """An audio post always has something to play: checked before any file is stored."""
    if kind == Post.Kind.AUDIO and not has_audio:
        raise _invalid(
            "audio",
            "An audio post needs something to play: upload `audio` or send audio_url.",
            where="",
        )


def _set_audio(post: Post, upload, audio_url: str) -> None:
    """Give the post the uploaded file (stored in the partner's collection) or the URL; or none."""
    if upload is not None and audio_url:
        raise _invalid("audio_url", "Send an audio file or audio_url, not both.")
    document = None
    if upload is not None:
        try:
            document = import_audio(
                upload, title=post.title, filename_hint=upload.name or "", partner=post.partner
            )
        except AudioTooLarge as exc:
            raise HttpError(413, str(exc)) from exc
        except AudioRejected as exc:
            raise _invalid("audio", str(exc), where="") from exc
    post.audio = document
    post.duration_seconds = audio_duration(upload) if document else None
    post.enclosure_url = audio_url
    post.enclosure_type = audio_type(audio_url) if audio_url else ""
    post.enclosure_length = None


# --- endpoints --------------------------------------------------------------------------


@api.post(
    "/posts",
    summary="Create a post",
    tags=["posts"],
    **documented({201: PostCreated}, 409, 413, 422, write=True, body=request_body("PostIn")),
)
def create_post(request: HttpRequest, payload: PostIn) -> HttpResponse:
    """Published at once for a trusted partner unless a moderation keyword matches; else pending."""
    return _respond(
        request, fingerprint(payload, request.FILES), lambda: _create_post(request, payload)
    )


def _create_post(request: HttpRequest, payload: PostIn) -> tuple[int, dict[str, Any]]:
    partner: Partner = request.auth.partner
    wijken = _wijken(payload.wijken)
    audio_upload = request.FILES.get("audio")
    kind = payload.kind or (
        Post.Kind.VIDEO
        if payload.video_url
        else Post.Kind.AUDIO
        if audio_upload is not None or payload.audio_url
        else Post.Kind.ARTICLE
    )
    _needs_audio(kind, audio_upload is not None or bool(payload.audio_url))
    image = _image(request, payload.image_url, payload.image_alt, payload.title)
    post = Post(
        partner=partner,
        origin=Post.Origin.PARTNER,
        kind=kind,
        title=payload.title,
        summary=payload.summary,
        body=payload.body,
        link=payload.link,
        language=payload.language,
        image=image,
        image_alt=payload.image_alt if image else "",
        video_url=payload.video_url,
        takeover_permission=payload.takeover_permission or "",
    )
    if audio_upload is not None or payload.audio_url:
        _set_audio(post, audio_upload, payload.audio_url)
    apply_change(post, None, actor=Post.Origin.PARTNER, trusted=partner.trusted)
    post.tags.set(payload.tags)
    post.wijken.set(wijken)
    with transaction.atomic():
        post.save()
        log(post, "wagtail.create", user=request.auth.token.user)
    return 201, created_body(request, post)


@api.get(
    "/posts", summary="List own posts", tags=["posts"], **documented({200: list[PostOut]}, 422)
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_posts(request: HttpRequest, status: Post.Status | None = None):
    """Your own posts, newest first, whatever their moderation status; filter with ?status=."""
    posts = _own_posts(request)
    if status:
        posts = posts.filter(status=status)
    return _with_copies(_for_listing(posts))


def _for_listing(posts):
    return (
        posts.select_related("partner", "image", "audio", "original__partner")
        .prefetch_related("tags", "wijken")
        .order_by("-published_at", "-id")
    )


def _with_copies(posts):
    """Own posts show who took them over, in one more query."""
    return posts.prefetch_related(
        Prefetch("copies", queryset=Post.objects.select_related("partner"))
    )


@api.get(
    "/posts/{post_id}", summary="Get an own post", tags=["posts"], **documented({200: PostOut}, 404)
)
def get_post(request: HttpRequest, post_id: int):
    """An own post, with the partners that took it over."""
    return get_object_or_404(_with_copies(_for_listing(_own_posts(request))), pk=post_id)


@api.patch(
    "/posts/{post_id}",
    summary="Change an own post",
    tags=["posts"],
    **documented({200: PostOut}, 404, 409, 413, 422, write=True, body=request_body("PostPatch")),
)
def update_post(request: HttpRequest, post_id: int, payload: PostPatch) -> HttpResponse:
    """A published post of an untrusted partner goes back to moderation; so does a rejected one."""
    post = get_object_or_404(_own_posts(request), pk=post_id)
    return _respond(
        request, fingerprint(payload, request.FILES), lambda: _update_post(request, post, payload)
    )


def _update_post(request: HttpRequest, post: Post, payload: PostPatch) -> tuple[int, dict]:
    before = stored_state(post)
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    if "wijken" in changes:
        post.wijken.set(_wijken(changes.pop("wijken")))
    if "tags" in changes:
        post.tags.set(changes.pop("tags"))
    image_url, audio_url = changes.pop("image_url", None), changes.pop("audio_url", None)
    alt = changes.pop("image_alt", post.image_alt)
    for field, value in changes.items():
        setattr(post, field, value)
    audio_upload = request.FILES.get("audio")
    new_audio = audio_upload is not None or audio_url is not None
    if new_audio:
        _needs_audio(post.kind, audio_upload is not None or bool(audio_url))
    else:
        _needs_audio(post.kind, bool(post.audio_id or post.enclosure_url))
    if "image" in request.FILES or image_url:
        post.image = _image(request, image_url or "", alt, post.title)
    elif image_url == "":
        post.image, alt = None, ""
    elif post.image and not alt:
        raise _invalid("image_alt", "Describe the image for people who cannot see it.")
    post.image_alt = alt
    if new_audio:
        _set_audio(post, audio_upload, audio_url or "")
    apply_change(post, before, actor=Post.Origin.PARTNER, trusted=post.partner.trusted)
    with transaction.atomic():
        post.save()
        log(post, "wagtail.edit", user=request.auth.token.user)
    return 200, dump_post(request, post)


@api.delete(
    "/posts/{post_id}", summary="Delete an own post", tags=["posts"], **documented({204: None}, 404)
)
def delete_post(request: HttpRequest, post_id: int):
    post = get_object_or_404(_own_posts(request), pk=post_id)
    with transaction.atomic():
        log(post, "wagtail.delete", user=request.auth.token.user)
        post.delete()
    return Status(204, None)


@api.get(
    "/pool",
    summary="Browse everyone's published posts",
    tags=["pool"],
    **documented({200: list[PoolPostOut]}, 422),
)
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def pool(
    request: HttpRequest,
    partner: Annotated[str | None, Query(description="partner slug")] = None,
    kind: Kind | None = None,
    tag: Annotated[str | None, Query(description="tag slug or name")] = None,
    wijk: Annotated[str | None, Query(description="wijk slug, from GET /wijken")] = None,
    q: Annotated[
        str | None, Query(description="search text, as on the wall", max_length=200)
    ] = None,
    since: Annotated[datetime | None, Query(description="published at or after (ISO 8601)")] = None,
):
    """All partners' published posts, newest first, to find items worth taking over; the same
    filters as the wall's. Posts whose owner does not allow a takeover are listed too."""
    filters = WallFilters(kind=kind or "", tag=slugify(tag or ""), q=" ".join((q or "").split()))
    if partner:
        filters.partner = Partner.objects.filter(slug=partner).first()
    if wijk:
        filters.wijk = Wijk.objects.filter(slug=wijk).first()
    if (partner and filters.partner is None) or (wijk and filters.wijk is None):
        return Post.objects.none()
    posts = filter_posts(Post.objects.published(), filters)
    if since:
        posts = posts.filter(published_at__gte=since)
    return _for_listing(posts)


@api.post(
    "/pool/{post_id}/takeover",
    summary="Take over another partner's published post",
    tags=["pool"],
    **documented({201: PostCreated, 202: TakeoverAsked}, 403, 404, 409, 422, write=True),
)
def take_over(request: HttpRequest, post_id: int) -> HttpResponse:
    """Copy the post as your own, linked to and crediting the original, which it then follows:
    201 with the copy; 202 when the owner asks to be asked (the answer is e-mailed to you);
    403 when the owner does not allow it; 409 when you took it over before."""
    original = get_object_or_404(
        Post.objects.published().select_related("partner", "image"), pk=post_id
    )
    return _respond(request, "", lambda: _take_over(request, original))


def _take_over(request: HttpRequest, original: Post) -> tuple[int, dict[str, Any]]:
    try:
        result = takeover.take_over(original, request.auth.partner, user=request.auth.token.user)
    except takeover.TakeoverNotAllowed as exc:
        raise HttpError(403, str(exc)) from exc
    except takeover.AlreadyTakenOver as exc:
        return 409, {"detail": str(exc), "existing_copy": created_body(request, exc.copy)}
    except takeover.TakeoverRefused as exc:
        raise HttpError(422, str(exc)) from exc
    if isinstance(result, TakeoverRequest):
        return 202, {"id": result.pk, "status": result.status}
    return 201, created_body(request, result)


@api.get(
    "/wijken",
    summary="The city's wijken (neighbourhoods)",
    tags=["wijken"],
    **documented({200: list[WijkOut]}),
)
def wijken(request: HttpRequest):
    return Wijk.objects.all()


# Mounted at /api/v1/ by mediahub.urls with include("muurkrant.api.endpoints").
urlpatterns, _, app_name = api.urls
