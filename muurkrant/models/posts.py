"""Posts: one model for everything residents see, whichever way it arrived, and the wijken."""

import re
from dataclasses import dataclass
from typing import NamedTuple
from urllib.parse import urlsplit

from django.db import models
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language_info
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.fields import RichTextField

from mediahub.audio import audio_type
from mediahub.models import TakeoverPermission
from mediahub.sanitize import clean_text, safe_url
from muurkrant.models.wall import WallPage
from muurkrant.search import search_text
from muurkrant.video import video_from_url

_HREF = re.compile(r'href="([^"]*)"')
# The fields residents see: title, texts, link and media (image, video, audio).
# The languages partners post in, offered first in the admin; feeds may bring any other code.
POST_LANGUAGES = ("nl", "en", "fy", "de", "fr", "pl", "tr", "ar", "uk", "es")


def language_choices(current: str = "") -> list[tuple[str, str]]:
    """The admin's language list, in each language's own name, keeping a code a feed brought."""
    codes = list(POST_LANGUAGES)
    if current and current not in codes:
        codes.append(current)
    choices = []
    for code in codes:
        try:
            name = get_language_info(code)["name_local"]
        except KeyError:
            name = code
        choices.append((code, name if code in POST_LANGUAGES else f"{name} ({code})"))
    return choices


VISIBLE_FIELDS = (
    "title", "summary", "body", "link", "image_id", "thumbnail_url", "video_url", "audio_id",
    "enclosure_url",
)  # fmt: skip


class Playable(NamedTuple):
    """A post's file to play: its URL (site-relative for our own audio), media type and size."""

    url: str
    type: str
    length: int | None


class Wijk(models.Model):
    """A neighbourhood of the city: a managed list, so filters and screens stay consistent."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")

    def __str__(self) -> str:
        return self.name


FIELD_SEP, ROW_SEP = "\x1f", "\x1e"


class GroupConcat(models.Aggregate):
    """Rows' text joined by ROW_SEP: group_concat on SQLite, string_agg on PostgreSQL."""

    function = "GROUP_CONCAT"
    output_field = models.TextField()

    def __init__(self, expression, **extra):
        super().__init__(expression, Value(ROW_SEP), **extra)

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(compiler, connection, function="STRING_AGG", **extra)


@dataclass(frozen=True)
class Version:
    """Another partner's version of a post's story, as a card or feed item names it."""

    pk: int
    partner_name: str
    title: str

    def get_absolute_url(self) -> str:
        return WallPage.post_path(self)

    @property
    def slug(self) -> str:
        return slugify(self.title)[:80] or "bericht"


class PostTag(TaggedItemBase):
    content_object = ParentalKey("muurkrant.Post", on_delete=models.CASCADE, related_name="tagged")


class PostQuerySet(models.QuerySet):
    def published(self) -> "PostQuerySet":
        return self.filter(status=Post.Status.PUBLISHED)

    def on_wall(self, now=None) -> "PostQuerySet":
        """What residents see: published, not expired, pinned first, newest first."""
        now = now or timezone.now()
        return (
            self.published()
            .filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))
            .order_by("-published_at", "-id")
        )

    def for_partner(self, partner) -> "PostQuerySet":
        return self.filter(partner=partner)

    def in_pool(self, user) -> "PostQuerySet":
        """What the pool shows a user: every partner's published posts, and the drafts and
        pending posts of the user's own partners — never another partner's unpublished work.

        Written as one CASE rather than an OR of two status lookups: SQLite would merge those
        and sort every published post for each page, where now it walks ``post_pool_idx`` in
        date order and stops after a page.
        """
        if not user.is_authenticated:
            return self.none()
        own_unpublished = Q(
            status__in=[Post.Status.DRAFT, Post.Status.PENDING],
            partner_id__in=user.memberships.values("partner_id"),
        )
        return self.filter(
            Case(
                When(status=Post.Status.PUBLISHED, then=True),
                When(own_unpublished, then=True),
                default=False,
                output_field=models.BooleanField(),
            )
        )

    def for_cards(self) -> "PostQuerySet":
        """Everything a card needs in one query (plus one for tags if asked)."""
        return self.select_related("partner__logo", "image", "original__partner")

    def one_per_story(self, now=None) -> "PostQuerySet":
        """Of each story only its lead: a version pinned now, else the earliest of these posts;
        posts in no story stay.

        Read from the posts as they are, so a lead withdrawn or hidden hands over to the next,
        and a version an editor pins leads its story above the wall instead of vanishing.
        """
        pinned = Case(
            When(pinned_until__gt=now or timezone.now(), then=Value(1)),
            default=Value(0),
            output_field=models.IntegerField(),
        )
        earlier = (
            self.annotate(lead_pin=pinned)
            .filter(story=OuterRef("story"))
            .filter(
                Q(lead_pin__gt=OuterRef("lead_pin"))
                | Q(lead_pin=OuterRef("lead_pin"), published_at__lt=OuterRef("published_at"))
                | Q(
                    lead_pin=OuterRef("lead_pin"),
                    published_at=OuterRef("published_at"),
                    pk__lt=OuterRef("pk"),
                )
            )
        )
        return self.annotate(lead_pin=pinned).exclude(Exists(earlier.order_by().values("pk")))

    def with_story_versions(self) -> "PostQuerySet":
        """Each post with ``story_versions``: the other versions on the wall, in the same query."""
        others = (
            Post.objects.on_wall()
            .filter(story=OuterRef("story"))
            .exclude(pk=OuterRef("pk"))
            .order_by()
            .values("story")
            .annotate(
                versions=GroupConcat(
                    Concat(
                        Cast("pk", models.CharField()),
                        Value(FIELD_SEP),
                        "partner__name",
                        Value(FIELD_SEP),
                        "title",
                    )
                )
            )
            .values("versions")
        )
        return self.annotate(versions_text=Subquery(others, output_field=models.TextField()))


class Post(ClusterableModel):
    """One item on the wall, whether typed by a partner or an editor or ingested from a feed.

    Not a Wagtail page: there will be hundreds of thousands of them.
    """

    class Origin(models.TextChoices):
        FEED = "feed", _("Feed")
        PARTNER = "partner", _("Partner")
        EDITOR = "editor", _("Editor")

    class Kind(models.TextChoices):
        ARTICLE = "article", _("Article")
        VIDEO = "video", _("Video")
        AUDIO = "audio", _("Audio")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Awaiting moderation")
        PUBLISHED = "published", _("Published")
        REJECTED = "rejected", _("Rejected")
        HIDDEN = "hidden", _("Hidden")
        WITHDRAWN = "withdrawn", _("Withdrawn with its original")

    Takeover = TakeoverPermission

    partner = models.ForeignKey(
        "mediahub.Partner",
        verbose_name=_("partner"),
        on_delete=models.PROTECT,
        related_name="posts",
    )
    origin = models.CharField(
        _("origin"), max_length=10, choices=Origin.choices, default=Origin.PARTNER
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.ARTICLE)
    title = models.CharField(_("title"), max_length=300)
    summary = models.TextField(_("summary"), blank=True, help_text=_("Plain text for cards."))
    body = RichTextField(_("body"), blank=True)
    link = models.URLField(_("link to the original"), max_length=1000, blank=True)
    language = models.CharField(_("language"), max_length=10, blank=True, default="nl")

    image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    image_alt = models.CharField(_("image description"), max_length=300, blank=True)
    thumbnail_url = models.URLField(
        _("remote thumbnail"),
        max_length=1000,
        blank=True,
        help_text=_("Downloaded in the background."),
    )

    video_url = models.URLField(_("video"), max_length=1000, blank=True)
    video_provider = models.CharField(_("video provider"), max_length=20, blank=True)
    video_id = models.CharField(_("video id"), max_length=200, blank=True)
    audio = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("audio file"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    enclosure_url = models.URLField(_("media file"), max_length=1000, blank=True)
    enclosure_type = models.CharField(_("media type"), max_length=100, blank=True)
    enclosure_length = models.BigIntegerField(_("media size"), null=True, blank=True)
    duration_seconds = models.PositiveIntegerField(_("duration (seconds)"), null=True, blank=True)

    tags = ClusterTaggableManager(through=PostTag, blank=True, verbose_name=_("tags"))
    wijken = ParentalManyToManyField(
        Wijk, blank=True, related_name="posts", verbose_name=_("neighbourhoods")
    )

    original = models.ForeignKey(
        "self",
        verbose_name=_("taken over from"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="copies",
    )
    takeover_permission = models.CharField(
        _("takeover by other partners"),
        max_length=20,
        choices=TakeoverPermission.choices,
        blank=True,
        help_text=_("Left empty, your partner's default applies."),
    )

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    approved_content = models.JSONField(
        _("last approved content"),
        null=True,
        blank=True,
        editable=False,
        help_text=_("What residents saw before a change sent the post back to moderation."),
    )
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    pinned_until = models.DateTimeField(_("pinned until"), null=True, blank=True)
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)
    report_count = models.PositiveIntegerField(_("abuse reports"), default=0)

    source = models.ForeignKey(
        "feeds.Source",
        verbose_name=_("source"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    identity = models.CharField(_("identity in the feed"), max_length=500, blank=True)
    content_hash = models.CharField(max_length=64, blank=True, editable=False)
    date_flagged = models.BooleanField(
        _("date doubtful"), default=False, help_text=_("The feed gave no usable date.")
    )
    story = models.ForeignKey(
        "muurkrant.Story",
        verbose_name=_("story"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="posts",
    )
    story_fixed = models.BooleanField(
        _("story set by an editor"),
        default=False,
        editable=False,
        help_text=_("Grouping on the way in leaves the post where an editor put it."),
    )
    # Title, summary and body text as the search reads them (muurkrant.search), kept in step by
    # derive(); on PostgreSQL a trigram index serves it (migration 0014).
    search_text = models.TextField(editable=False, blank=True, default="")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PostQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "identity"],
                condition=Q(source__isnull=False),
                name="unique_post_per_source_identity",
            ),
            models.UniqueConstraint(
                fields=["original", "partner"],
                condition=Q(original__isnull=False),
                name="unique_copy_per_partner",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="post_wall_idx"),
            models.Index(fields=["partner", "status", "-published_at"], name="post_partner_idx"),
            models.Index(fields=["kind", "status", "-published_at"], name="post_kind_idx"),
            models.Index(fields=["status", "created_at"], name="post_queue_idx"),
            # The pool's order, covering its visibility rule (``PostQuerySet.in_pool``).
            models.Index(
                fields=["-published_at", "-id", "status", "partner"], name="post_pool_idx"
            ),
            models.Index(fields=["story", "status", "published_at"], name="post_story_idx"),
            models.Index(
                fields=["pinned_until"],
                condition=Q(pinned_until__isnull=False),
                name="post_pinned_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.derive()
        super().save(*args, **kwargs)

    @property
    def story_versions(self) -> list[Version]:
        """The story's other versions on the wall (from ``with_story_versions``), by partner."""
        text = getattr(self, "versions_text", None) or ""
        rows = [Version(int(pk), name, title) for pk, name, title in (
            row.split(FIELD_SEP, 2) for row in text.split(ROW_SEP) if row
        )]  # fmt: skip
        return sorted(rows, key=lambda version: (version.partner_name, version.pk))

    @property
    def also_from(self) -> list[str]:
        """The other partners whose version of this story is on the wall."""
        names = {v.partner_name for v in self.story_versions} - {self.partner.name}
        return sorted(names)

    def derive(self) -> None:
        """Sets what follows from the content: the video's provider and id, the search text.

        Called by ``save()``, and by the moderation rule before it compares, which is also how
        bulk writers (ingest) that bypass ``save()`` get it.
        """
        self.derive_video()
        self.search_text = search_text(self.title, self.summary, self.body)

    def derive_video(self) -> None:
        """Provider and id follow ``video_url``: the embed is only ever built from these two.

        A URL of no known platform (a video file, a player page) is kept, with no provider to
        embed from.
        """
        video = video_from_url(self.video_url) if self.video_url else None
        if video:
            self.video_provider, self.video_id, self.video_url = video
        else:
            self.video_provider = self.video_id = ""

    def visible_content(self) -> dict:
        """What residents see of the post: a change here is what moderation looks at.

        The body counts by its text and link targets, not its markup: the admin's editor
        rewrites markup on every save without changing what anyone reads.
        """
        content = {name: getattr(self, name) for name in VISIBLE_FIELDS}
        content["body"] = " ".join([clean_text(self.body), *_HREF.findall(self.body)])
        return content

    def playable(self) -> Playable | None:
        """The file a resident plays: our own audio document first, else the feed's enclosure.

        One rule for the post page, the API and the feeds out; the type is "" when neither the
        feed nor the file's extension tells it.
        """
        if self.audio is not None:
            return Playable(self.audio.url, audio_type(self.audio.filename), self.audio.file_size)
        url = safe_url(self.enclosure_url)
        if not url:
            return None
        return Playable(
            url, self.enclosure_type or audio_type(urlsplit(url).path), self.enclosure_length
        )

    @property
    def takeover(self) -> str:
        """The takeover permission in force: the post's own choice, else its partner's default."""
        return self.takeover_permission or self.partner.takeover_permission

    @property
    def slug(self) -> str:
        return slugify(self.title)[:80] or "bericht"

    def get_absolute_url(self) -> str:
        return WallPage.post_path(self)

    def get_story_url(self) -> str:
        return WallPage.story_path(self.story_id) if self.story_id else ""

    def get_report_url(self) -> str:
        return WallPage.post_path(self, "report_post")
