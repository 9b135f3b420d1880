"""The wall: one Post model for everything residents see, the city's wijken, and the wall page."""

import re

from asgiref.local import Local
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from taggit.models import TaggedItemBase
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Page
from wagtail.search import index
from wagtail.search.queryset import SearchableQuerySetMixin

from mediahub.sanitize import clean_text
from muurkrant import signals
from muurkrant.video import video_from_url

_HREF = re.compile(r'href="([^"]*)"')
# The fields residents see: title, texts, link and media (image, video, audio).
VISIBLE_FIELDS = (
    "title", "summary", "body", "link", "image_id", "thumbnail_url", "video_url", "audio_id",
    "enclosure_url",
)  # fmt: skip


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


class PostTag(TaggedItemBase):
    content_object = ParentalKey("muurkrant.Post", on_delete=models.CASCADE, related_name="tagged")


class PostQuerySet(SearchableQuerySetMixin, models.QuerySet):
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

    def for_cards(self) -> "PostQuerySet":
        """Everything a card needs in one query (plus one for tags if asked)."""
        return self.select_related("partner", "image")


class Post(index.Indexed, ClusterableModel):
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
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = PostQuerySet.as_manager()

    search_fields = [
        index.SearchField("title", boost=3),
        index.SearchField("summary"),
        index.SearchField("body"),
        index.AutocompleteField("title"),
        index.FilterField("status"),
        index.FilterField("partner_id"),
        index.FilterField("kind"),
        index.FilterField("published_at"),
    ]

    class Meta:
        ordering = ["-published_at", "-id"]
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "identity"],
                condition=Q(source__isnull=False),
                name="unique_post_per_source_identity",
            )
        ]
        indexes = [
            models.Index(fields=["status", "-published_at", "-id"], name="post_wall_idx"),
            models.Index(fields=["partner", "status", "-published_at"], name="post_partner_idx"),
            models.Index(fields=["kind", "status", "-published_at"], name="post_kind_idx"),
            models.Index(fields=["status", "created_at"], name="post_queue_idx"),
            models.Index(
                fields=["pinned_until"],
                condition=Q(pinned_until__isnull=False),
                name="post_pinned_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        self.derive_video()
        super().save(*args, **kwargs)

    def derive_video(self) -> None:
        """Provider and id follow ``video_url``: the embed is only ever built from these two.

        Called by ``save()`` and by bulk writers (ingest), which bypass it. A URL of no known
        platform (a video file, a player page) is kept, with no provider to embed from.
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

    @property
    def slug(self) -> str:
        return slugify(self.title)[:80] or "bericht"

    def get_absolute_url(self) -> str:
        return WallPage.post_path(self)

    def get_report_url(self) -> str:
        return WallPage.post_path(self, "report_post")


class WallPage(RoutablePageMixin, Page):
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

    @classmethod
    def post_path(cls, post: Post, route: str = "post_page") -> str:
        """A post's path: one of the routes above, under the wall's current path."""
        return wall_path() + cls.get_resolver().reverse(route, pk=post.pk, slug=post.slug)

    @classmethod
    def path_in_tree(cls) -> str | None:
        """The wall's path on its site as the page tree says now, or None while it has none."""
        wall = cls.objects.order_by("-live", "path").first()
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


@register_setting(icon="warning")
class ModerationSettings(BaseGenericSetting):
    """Editors' knobs for moderation, edited in the admin's settings menu."""

    keywords = models.TextField(
        _("moderation keywords"),
        blank=True,
        help_text=_(
            "One word or phrase per line. A post that contains one goes to moderation, "
            "even from a trusted partner."
        ),
    )
    report_threshold = models.PositiveSmallIntegerField(
        _("reports before hiding"),
        default=3,
        help_text=_("A post with this many abuse reports is hidden until an editor decides."),
    )

    class Meta:
        verbose_name = _("moderation")

    def keyword_list(self) -> list[str]:
        return [line.strip().lower() for line in self.keywords.splitlines() if line.strip()]


class AbuseReport(models.Model):
    """A resident's report about a post. No account and no IP address: only a daily hash."""

    class Reason(models.TextChoices):
        MISLEADING = "misleading", _("Misleading or false")
        HATEFUL = "hateful", _("Hateful or discriminating")
        PRIVACY = "privacy", _("Violates someone's privacy")
        SPAM = "spam", _("Spam or advertising")
        OTHER = "other", _("Something else")

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    message = models.TextField(_("explanation"), max_length=1000, blank=True)
    fingerprint = models.CharField(max_length=64, editable=False)
    created_at = models.DateTimeField(_("reported at"), auto_now_add=True)
    resolved = models.BooleanField(_("handled"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("abuse report")
        verbose_name_plural = _("abuse reports")
        indexes = [models.Index(fields=["fingerprint", "created_at"], name="report_rate_idx")]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.post}"


class IdempotencyKey(models.Model):
    """Remembers the answer to an API request made with an Idempotency-Key, so retries are safe."""

    partner = models.ForeignKey("mediahub.Partner", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField()
    response = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["partner", "key"], name="unique_idempotency_key")
        ]

    def __str__(self) -> str:
        return f"{self.partner_id}:{self.key}"
