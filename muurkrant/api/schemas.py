"""What the partner API accepts and returns; every text passes the one sanitiser here."""

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit

from django.http import HttpRequest
from ninja import Field, Schema
from pydantic import AfterValidator, ConfigDict

from mediahub.sanitize import clean_html, clean_text, safe_url
from muurkrant.models import Post
from muurkrant.video import video_from_url

_LANGUAGE = r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})?$"


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


def _audio_url(value: str) -> str:
    url = _http_url(value)
    if url and urlsplit(url).scheme.lower() != "https":
        raise ValueError("must be an https URL: browsers do not play plain http on our pages")
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
AudioURL = Annotated[str, Field(max_length=1000), AfterValidator(_audio_url)]
Alt = Annotated[str, Field(max_length=3000), AfterValidator(_plain(300))]
Tags = Annotated[list[Annotated[str, Field(max_length=1000)]], Field(max_length=20)]
WijkSlugs = Annotated[list[Annotated[str, Field(max_length=100)]], Field(max_length=50)]
Language = Annotated[str, Field(pattern=_LANGUAGE)]
Kind = Literal["article", "video", "audio"]
Takeover = Literal["allowed", "ask", "not_allowed"]
_TAKEOVER_HELP = (
    "Whether other partners may take the post over: allowed (with credit), ask (you approve "
    "each request) or not_allowed. Left out, your partner's default applies."
)


class PostIn(Schema):
    """A new post. Send JSON, or multipart/form-data with files in `image` and `audio`."""

    model_config = ConfigDict(extra="forbid")

    title: Title
    summary: Summary = ""
    body: Body = Field("", description="HTML; sanitised to the wall's allowlist.")
    kind: Kind | None = Field(
        None,
        description="Defaults to video with video_url, to audio with audio or audio_url. "
        "An audio post needs an `audio` file or audio_url.",
    )
    link: HttpURL = ""
    tags: Annotated[Tags, AfterValidator(_tags)] = []
    wijken: WijkSlugs = Field([], description="Slugs from GET /wijken.")
    image_url: HttpURL = Field("", description="Downloaded and stored; or upload `image`.")
    image_alt: Alt = Field("", description="Required with an image.")
    video_url: VideoURL = ""
    audio_url: AudioURL = Field(
        "", description="An https URL played from its place; or upload `audio`."
    )
    language: Language = "nl"
    takeover_permission: Takeover | None = Field(None, description=_TAKEOVER_HELP)


class PostPatch(Schema):
    """Changes to an own post; fields left out stay as they are. image_url "" removes the image,
    audio_url "" the audio (file or URL)."""

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
    audio_url: AudioURL | None = None
    language: Language | None = None
    takeover_permission: Takeover | None = Field(None, description=_TAKEOVER_HELP)


# --- output -----------------------------------------------------------------------------


def _absolute(context: dict, path: str) -> str:
    return context["request"].build_absolute_uri(path)


class ByPartner(Schema):
    """A post's partner, by slug and by name."""

    partner: str
    partner_name: str

    @staticmethod
    def resolve_partner(obj: Post) -> str:
        return obj.partner.slug

    @staticmethod
    def resolve_partner_name(obj: Post) -> str:
        return obj.partner.name


class OriginalOut(ByPartner):
    """The post a copy was taken over from: shown as "via" its partner."""

    id: int
    url: str

    @staticmethod
    def resolve_url(obj: Post, context: dict) -> str:
        return _absolute(context, obj.get_absolute_url())


class CopyOut(ByPartner):
    """A partner that took the post over, and its copy."""

    post_id: int

    @staticmethod
    def resolve_post_id(obj: Post) -> int:
        return obj.pk


class PoolPostOut(ByPartner):
    id: int
    url: str
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
    audio: str | None = Field(
        description="The file to play: the uploaded audio's public address, or the audio URL."
    )
    audio_type: str = Field(description='Its media type, e.g. audio/mpeg; "" without audio.')
    duration_seconds: int | None
    published_at: datetime
    updated_at: datetime
    takeover_permission: Takeover = Field(
        description="In force for this post: its own choice or its partner's default; "
        "not_allowed answers 403 to a takeover, ask 202."
    )
    original: OriginalOut | None = Field(description="For a copy: the post it was taken from.")

    @staticmethod
    def resolve_url(obj: Post, context: dict) -> str:
        return _absolute(context, obj.get_absolute_url())

    @staticmethod
    def resolve_takeover_permission(obj: Post) -> str:
        return obj.takeover

    @staticmethod
    def resolve_tags(obj: Post) -> list[str]:
        return sorted(tag.name for tag in obj.tags.all())

    @staticmethod
    def resolve_wijken(obj: Post) -> list[str]:
        return [wijk.slug for wijk in obj.wijken.all()]

    @staticmethod
    def resolve_image(obj: Post, context: dict) -> str | None:
        return _absolute(context, obj.image.file.url) if obj.image else None

    @staticmethod
    def resolve_audio(obj: Post, context: dict) -> str | None:
        playable = obj.playable()
        return _absolute(context, playable.url) if playable else None

    @staticmethod
    def resolve_audio_type(obj: Post) -> str:
        playable = obj.playable()
        return playable.type if playable else ""


class PostOut(PoolPostOut):
    """An own post, with what moderation decided (read-only)."""

    status: str
    rejection_reason: str
    created_at: datetime
    taken_over_by: list[CopyOut] = Field(description="The partners that took this post over.")

    @staticmethod
    def resolve_taken_over_by(obj: Post) -> list[Post]:
        return sorted(obj.copies.all(), key=lambda copy: (copy.partner.name, copy.pk))


class PostCreated(Schema):
    id: int
    status: str
    url: str


class TakeoverAsked(Schema):
    """202: the owner asks to be asked; the request waits for its answer, which is e-mailed."""

    id: int
    status: Literal["pending"]


class WijkOut(Schema):
    slug: str
    name: str


class Error(Schema):
    """Every refusal but a validation error: a sentence a partner can read."""

    detail: str


class Conflict(Schema):
    """409: a request with this Idempotency-Key is still running (retry shortly); or, for a
    takeover, your partner already took the post over: `existing_copy` is that copy."""

    detail: str
    existing_copy: PostCreated | None = None


class FieldError(Schema):
    type: str
    loc: list[str | int] = Field(description='Where: e.g. ["body", "payload", "title"].')
    msg: str
    ctx: dict[str, Any] | None = Field(None, description="Details of some checks, e.g. `expected`.")


class Invalid(Schema):
    """422: the fields that were wrong, each named in `loc`; or one sentence, for a request that
    cannot be taken as it is (an Idempotency-Key used for another request, a refused takeover)."""

    detail: list[FieldError] | str


def created_body(request: HttpRequest, post: Post) -> dict[str, Any]:
    url = request.build_absolute_uri(post.get_absolute_url())
    return {"id": post.pk, "status": post.status, "url": url}


def dump_post(request: HttpRequest, post: Post) -> dict[str, Any]:
    return PostOut.from_orm(post, context={"request": request}).model_dump(mode="json")
