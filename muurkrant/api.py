"""The partner API at /api/v1/: post and follow your own items, browse the pool, take items over.

Only Wagtail API tokens (Authorization: Bearer) authenticate; session cookies are never
accepted, which is why the endpoints can be CSRF-exempt. Every text field passes the one
sanitiser and every image the safe importer, exactly as posts from the admin and feeds do.
"""

import hashlib
import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.exceptions import RequestDataTooBig
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.html import format_html
from django.utils.text import slugify
from ninja import Field, NinjaAPI, Query, Schema, Status
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.pagination import PageNumberPagination, paginate
from ninja.parser import Parser
from pydantic import AfterValidator, ConfigDict
from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.log_actions import log
from wagtail.models import APIToken

from feeds.fetch import FetchError
from feeds.video import video_from_url
from mediahub.images import ImageRejected, fetch_image, import_image
from mediahub.models import Partner
from mediahub.sanitize import clean_html, clean_text, safe_url
from muurkrant.models import IdempotencyKey, Post, Wijk
from muurkrant.moderation import initial_status

PAGE_SIZE = 20
RATE_WINDOW = 60  # seconds; API_RATE_LIMIT is requests per window per token
IDEMPOTENCY_TTL = timedelta(hours=24)
MAX_IDEMPOTENCY_KEY = 200
TAKEOVER_LINE = "Overgenomen van"
_LIST_FIELDS = frozenset({"tags", "wijken"})
_LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"


# --- authentication and rate limit -------------------------------------------------------


@dataclass(frozen=True)
class Caller:
    """Who is calling: the token presented and the partner it acts for."""

    token: APIToken
    partner: Partner


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many requests for this token; slow down.")
        self.retry_after = retry_after


class PartnerTokenAuth(BearerTokenAuth):
    """A Wagtail API token of an active user, acting for one active partner of that user.

    A user in several partners names one in the X-Partner header.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        if not APIToken.validate_token_format(token):
            request.user = AnonymousUser()  # as the parent does: a session never counts
            return None  # cannot exist: spare the database
        api_token = super().authenticate(request, token)
        if api_token is None:
            return None
        partner = _acting_partner(request, api_token)
        _check_rate(api_token)
        return Caller(api_token, partner)


def _acting_partner(request: HttpRequest, api_token: APIToken) -> Partner:
    partners = list(Partner.objects.active().filter(memberships__user=api_token.user))
    wanted = request.headers.get("X-Partner", "").strip()
    if wanted:
        for partner in partners:
            if partner.slug == wanted:
                return partner
        raise AuthenticationError(message=f"This token cannot act for partner '{wanted}'.")
    if len(partners) == 1:
        return partners[0]
    if not partners:
        raise AuthenticationError(message="This token's user acts for no active partner.")
    slugs = ", ".join(partner.slug for partner in partners)
    raise HttpError(400, f"This token's user acts for several partners; send X-Partner: {slugs}.")


def _check_rate(api_token: APIToken) -> None:
    """A fixed window per token in the shared cache; incr is atomic on Redis and locmem."""
    limit = int(getattr(settings, "API_RATE_LIMIT", 60))
    now = time.time()
    key = f"api-rate:{api_token.key_hash[:32]}:{int(now // RATE_WINDOW)}"
    cache.add(key, 0, timeout=RATE_WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW * 2)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=max(1, RATE_WINDOW - int(now % RATE_WINDOW)))


class _JSONOrFormParser(Parser):
    """JSON bodies, and multipart forms (a post with an image file) read into the same shape."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.content_type == "multipart/form-data":
            return {
                key: request.POST.getlist(key) if key in _LIST_FIELDS else request.POST[key]
                for key in request.POST
            }
        return super().parse_body(request)


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


# --- input ------------------------------------------------------------------------------


def _plain(limit: int) -> Callable[[str], str]:
    def clean(value: str) -> str:
        value = clean_text(value)
        if len(value) > limit:
            raise ValueError(f"must be at most {limit} characters of text")
        return value

    return clean


def _title(value: str) -> str:
    value = _plain(300)(value)
    if not value:
        raise ValueError("must contain text")
    return value


def _http_url(value: str) -> str:
    if not value.strip():
        return ""
    url = safe_url(value)
    if not url:
        raise ValueError("must be an absolute http or https URL")
    return url


def _video_url(value: str) -> str:
    if not value.strip():
        return ""
    video = video_from_url(_http_url(value))
    if video is None:
        raise ValueError("must be a YouTube, Vimeo or PeerTube video URL")
    return video[2]


def _tags(values: list[str]) -> list[str]:
    cleaned = (clean_text(value, max_length=100) for value in values)
    return list(dict.fromkeys(tag for tag in cleaned if tag))


Title = Annotated[str, Field(max_length=3000), AfterValidator(_title)]
Summary = Annotated[str, Field(max_length=20_000), AfterValidator(_plain(2000))]
Body = Annotated[str, Field(max_length=500_000), AfterValidator(clean_html)]
HttpURL = Annotated[str, Field(max_length=1000), AfterValidator(_http_url)]
VideoURL = Annotated[str, Field(max_length=1000), AfterValidator(_video_url)]
Alt = Annotated[str, Field(max_length=3000), AfterValidator(_plain(300))]
Tags = Annotated[list[Annotated[str, Field(max_length=1000)]], Field(max_length=20)]
WijkSlugs = Annotated[list[Annotated[str, Field(max_length=100)]], Field(max_length=50)]
Language = Annotated[str, Field(pattern=_LANGUAGE)]
Kind = Literal["article", "video", "audio"]


class PostIn(Schema):
    """A new post. Send JSON, or multipart/form-data with the image file in `image`."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    summary: Summary = ""
    body: Body = Field("", description="HTML; sanitised to the wall's allowlist.")
    kind: Kind | None = Field(None, description="Defaults to video when video_url is given.")
    link: HttpURL = ""
    tags: Annotated[Tags, AfterValidator(_tags)] = []
    wijken: WijkSlugs = Field([], description="Slugs from GET /wijken.")
    image_url: HttpURL = Field("", description="Downloaded and stored; or upload `image`.")
    image_alt: Alt = Field("", description="Required with an image.")
    video_url: VideoURL = ""
    language: Language = "nl"


class PostPatch(Schema):
    """Changes to an own post; fields left out stay as they are. image_url "" removes the image."""

    model_config = ConfigDict(extra="forbid")

    title: Title | None = None
    summary: Summary | None = None
    body: Body | None = None
    kind: Kind | None = None
    link: HttpURL | None = None
    tags: Annotated[Tags, AfterValidator(_tags)] | None = None
    wijken: WijkSlugs | None = None
    image_url: HttpURL | None = None
    image_alt: Alt | None = None
    video_url: VideoURL | None = None
    language: Language | None = None


# --- output -----------------------------------------------------------------------------


def _absolute(context: dict, path: str) -> str:
    return context["request"].build_absolute_uri(path)


class PoolPostOut(Schema):
    id: int
    url: str
    partner: str
    partner_name: str
    origin: str
    kind: str
    title: str
    summary: str
    body: str
    link: str
    language: str
    tags: list[str]
    wijken: list[str]
    image: str | None
    image_alt: str
    video_url: str
    video_provider: str
    video_id: str
    published_at: datetime
    updated_at: datetime

    @staticmethod
    def resolve_url(obj: Post, context: dict) -> str:
        return _absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_partner(obj: Post) -> str:
        return obj.partner.slug

    @staticmethod
    def resolve_partner_name(obj: Post) -> str:
        return obj.partner.name

    @staticmethod
    def resolve_tags(obj: Post) -> list[str]:
        return sorted(tag.name for tag in obj.tags.all())

    @staticmethod
    def resolve_wijken(obj: Post) -> list[str]:
        return [wijk.slug for wijk in obj.wijken.all()]

    @staticmethod
    def resolve_image(obj: Post, context: dict) -> str | None:
        return _absolute(context, obj.image.file.url) if obj.image else None


class PostOut(PoolPostOut):
    """An own post, with what moderation decided (read-only)."""

    status: str
    rejection_reason: str
    created_at: datetime


class PostCreated(Schema):
    id: int
    status: str
    url: str


class WijkOut(Schema):
    slug: str
    name: str


class Error(Schema):
    detail: Any


def _created(request: HttpRequest, post: Post) -> dict[str, Any]:
    url = request.build_absolute_uri(post.get_absolute_url())
    return {"id": post.pk, "status": post.status, "url": url}


def _dump(request: HttpRequest, post: Post) -> dict[str, Any]:
    return PostOut.from_orm(post, context={"request": request}).model_dump(mode="json")


# --- idempotency ------------------------------------------------------------------------


def _idempotent(
    request: HttpRequest, fingerprint: str, run: Callable[[], tuple[int, dict[str, Any]]]
) -> HttpResponse:
    """Run a write once per Idempotency-Key; a retry with the same request gets the same answer.

    The key is reserved before the work starts, so two concurrent retries cannot both create.
    Only successful answers are kept: a failed request changed nothing and may be retried.
    """
    key = request.headers.get("Idempotency-Key", "").strip()
    if not key:
        status, body = run()
        return api.create_response(request, body, status=status)
    if len(key) > MAX_IDEMPOTENCY_KEY:
        raise HttpError(422, f"Idempotency-Key must be at most {MAX_IDEMPOTENCY_KEY} characters.")
    partner = request.auth.partner
    digest = hashlib.sha256(f"{request.method} {request.path}\n{fingerprint}".encode()).hexdigest()
    IdempotencyKey.objects.filter(
        partner=partner, key=key, created_at__lt=timezone.now() - IDEMPOTENCY_TTL
    ).delete()
    try:
        with transaction.atomic():
            record = IdempotencyKey.objects.create(
                partner=partner, key=key, request_hash=digest, status_code=0, response={}
            )
    except IntegrityError:
        stored = IdempotencyKey.objects.get(partner=partner, key=key)
        if stored.request_hash != digest:
            raise HttpError(
                422, "This Idempotency-Key was used for a different request; use a new key."
            ) from None
        if not stored.status_code:
            raise HttpError(
                409, "A request with this Idempotency-Key is still running; retry shortly."
            ) from None
        return api.create_response(request, stored.response, status=stored.status_code)
    try:
        status, body = run()
    except BaseException:
        record.delete()
        raise
    record.status_code, record.response = status, body
    record.save(update_fields=["status_code", "response"])
    return api.create_response(request, body, status=status)


def _fingerprint(payload: Schema, upload=None) -> str:
    """The request as validated, so a retry matches whatever the multipart boundary was."""
    data = payload.model_dump(mode="json", exclude_unset=True)
    if upload is not None:
        upload.seek(0)
        data["image"] = hashlib.sha256(upload.read()).hexdigest()
        upload.seek(0)
    return json.dumps(data, sort_keys=True)


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
            return import_image(upload.read(), title=title, filename_hint=upload.name or "")
        except ImageRejected as exc:
            raise _invalid("image", str(exc), where="") from exc
    try:
        return fetch_image(image_url, title=title)
    except (FetchError, ImageRejected) as exc:
        raise _invalid("image_url", f"The image could not be used: {exc}") from exc


def _set_video(post: Post, video_url: str) -> None:
    video = video_from_url(video_url) if video_url else None
    post.video_url = video[2] if video else ""
    post.video_provider = video[0] if video else ""
    post.video_id = video[1] if video else ""


# --- endpoints --------------------------------------------------------------------------

_POST_BODY_DOC = {
    "requestBody": {
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/PostIn"}},
            "multipart/form-data": {
                "schema": {
                    "allOf": [
                        {"$ref": "#/components/schemas/PostIn"},
                        {
                            "type": "object",
                            "properties": {"image": {"type": "string", "format": "binary"}},
                        },
                    ]
                }
            },
        },
        "required": True,
    }
}


@api.post(
    "/posts",
    response={201: PostCreated, 401: Error, 422: Error, 429: Error},
    summary="Create a post",
    openapi_extra=_POST_BODY_DOC,
)
def create_post(request: HttpRequest, payload: PostIn) -> HttpResponse:
    """Published at once for a trusted partner unless a moderation keyword matches; else pending."""
    upload = request.FILES.get("image")
    return _idempotent(
        request, _fingerprint(payload, upload), lambda: _create_post(request, payload)
    )


def _create_post(request: HttpRequest, payload: PostIn) -> tuple[int, dict[str, Any]]:
    partner: Partner = request.auth.partner
    wijken = _wijken(payload.wijken)
    image = _image(request, payload.image_url, payload.image_alt, payload.title)
    post = Post(
        partner=partner,
        origin=Post.Origin.PARTNER,
        kind=payload.kind or (Post.Kind.VIDEO if payload.video_url else Post.Kind.ARTICLE),
        title=payload.title,
        summary=payload.summary,
        body=payload.body,
        link=payload.link,
        language=payload.language,
        image=image,
        image_alt=payload.image_alt if image else "",
        status=initial_status(partner.trusted, payload.title, payload.summary, payload.body),
    )
    _set_video(post, payload.video_url)
    post.tags.set(payload.tags)
    post.wijken.set(wijken)
    with transaction.atomic():
        post.save()
        log(post, "wagtail.create", user=request.auth.token.user)
    return 201, _created(request, post)


@api.get("/posts", response=list[PostOut], summary="List own posts")
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def list_posts(request: HttpRequest, status: Post.Status | None = None):
    """Your own posts, newest first, whatever their moderation status; filter with ?status=."""
    posts = _own_posts(request)
    if status:
        posts = posts.filter(status=status)
    return _for_listing(posts)


def _for_listing(posts):
    return (
        posts.select_related("partner", "image")
        .prefetch_related("tags", "wijken")
        .order_by("-published_at", "-id")
    )


@api.get("/posts/{post_id}", response={200: PostOut, 404: Error}, summary="Get an own post")
def get_post(request: HttpRequest, post_id: int):
    return get_object_or_404(_for_listing(_own_posts(request)), pk=post_id)


@api.patch(
    "/posts/{post_id}",
    response={200: PostOut, 404: Error, 422: Error},
    summary="Change an own post",
)
def update_post(request: HttpRequest, post_id: int, payload: PostPatch) -> HttpResponse:
    """A published post of an untrusted partner goes back to moderation; so does a rejected one."""
    if request.content_type == "multipart/form-data":  # Django reads forms of POST only
        raise HttpError(415, "Send changes as JSON; images by image_url.")
    post = get_object_or_404(_own_posts(request), pk=post_id)
    return _idempotent(request, _fingerprint(payload), lambda: _update_post(request, post, payload))


def _update_post(request: HttpRequest, post: Post, payload: PostPatch) -> tuple[int, dict]:
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    if "wijken" in changes:
        post.wijken.set(_wijken(changes.pop("wijken")))
    if "tags" in changes:
        post.tags.set(changes.pop("tags"))
    if "video_url" in changes:
        _set_video(post, changes.pop("video_url"))
    image_url = changes.pop("image_url", None)
    alt = changes.pop("image_alt", post.image_alt)
    if image_url == "":
        post.image, alt = None, ""
    elif image_url:
        post.image = _image(request, image_url, alt, changes.get("title", post.title))
    elif post.image and not alt:
        raise _invalid("image_alt", "Describe the image for people who cannot see it.")
    post.image_alt = alt
    for field, value in changes.items():
        setattr(post, field, value)
    if post.status == Post.Status.PUBLISHED:
        post.status = initial_status(post.partner.trusted, post.title, post.summary, post.body)
    elif post.status == Post.Status.REJECTED:
        post.status = Post.Status.PENDING
    with transaction.atomic():
        post.save()
        log(post, "wagtail.edit", user=request.auth.token.user)
    return 200, _dump(request, post)


@api.delete("/posts/{post_id}", response={204: None, 404: Error}, summary="Delete an own post")
def delete_post(request: HttpRequest, post_id: int):
    post = get_object_or_404(_own_posts(request), pk=post_id)
    with transaction.atomic():
        log(post, "wagtail.delete", user=request.auth.token.user)
        post.delete()
    return Status(204, None)


@api.get("/pool", response=list[PoolPostOut], summary="Browse everyone's published posts")
@paginate(PageNumberPagination, page_size=PAGE_SIZE)
def pool(
    request: HttpRequest,
    partner: Annotated[str | None, Query(description="partner slug")] = None,
    kind: Kind | None = None,
    tag: Annotated[str | None, Query(description="tag slug or name")] = None,
):
    """All partners' published posts, newest first, to find items worth taking over."""
    posts = Post.objects.published()
    if partner:
        posts = posts.filter(partner__slug=partner)
    if kind:
        posts = posts.filter(kind=kind)
    if tag:
        posts = posts.filter(tags__slug=slugify(tag))
    return _for_listing(posts)


@api.post(
    "/pool/{post_id}/takeover",
    response={201: PostCreated, 404: Error, 422: Error},
    summary="Take over another partner's published post",
)
def take_over(request: HttpRequest, post_id: int) -> HttpResponse:
    """Copy the post as your own, with a line and link crediting the original partner."""
    original = get_object_or_404(
        Post.objects.published().select_related("partner", "image"), pk=post_id
    )
    if original.partner_id == request.auth.partner.pk:
        raise HttpError(422, "This post is already yours.")
    return _idempotent(request, "", lambda: _take_over(request, original))


def _take_over(request: HttpRequest, original: Post) -> tuple[int, dict[str, Any]]:
    partner: Partner = request.auth.partner
    source_url = original.link or request.build_absolute_uri(original.get_absolute_url())
    credit = format_html(
        '<p>{} <a href="{}">{}</a></p>', TAKEOVER_LINE, source_url, original.partner.name
    )
    body = clean_html(f"{original.body}{credit}")
    copied = {
        field: getattr(original, field)
        for field in (
            "kind", "title", "summary", "language", "image", "image_alt", "thumbnail_url",
            "video_url", "video_provider", "video_id", "audio", "enclosure_url",
            "enclosure_type", "enclosure_length", "duration_seconds",
        )
    }  # fmt: skip
    post = Post(
        partner=partner,
        origin=Post.Origin.PARTNER,
        body=body,
        link=source_url,
        status=initial_status(partner.trusted, original.title, original.summary, body),
        **copied,
    )
    post.tags.set([tag.name for tag in original.tags.all()])
    post.wijken.set(list(original.wijken.all()))
    with transaction.atomic():
        post.save()
        log(post, "wagtail.create", user=request.auth.token.user, data={"takeover": original.pk})
    return 201, _created(request, post)


@api.get("/wijken", response=list[WijkOut], summary="The city's wijken (neighbourhoods)")
def wijken(request: HttpRequest):
    return Wijk.objects.all()


# Mounted at /api/v1/ by mediahub.urls with include("muurkrant.api").
urlpatterns, _, app_name = api.urls
