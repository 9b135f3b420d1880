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
    audio: str | None = Field(
        description="The file to play: the uploaded audio's public address, or the audio URL."
    )
    audio_type: str = Field(description='Its media type, e.g. audio/mpeg; "" without audio.')
    duration_seconds: int | None
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


class PostCreated(Schema):
    id: int
    status: str
    url: str


class WijkOut(Schema):
    slug: str
    name: str


class Error(Schema):
    """Every refusal but a validation error: a sentence a partner can read."""

    detail: str


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
