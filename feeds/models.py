"""Sources of feeds-in: where each partner's feed lives, and how fetching it has gone."""

from datetime import timedelta

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mediahub.fetch.errors import in_words

MIN_INTERVAL = 5
DEFAULT_INTERVAL = 15
MAX_BACKOFF = timedelta(hours=24)


class SourceQuerySet(models.QuerySet):
    def for_user(self, user) -> "SourceQuerySet":
        from mediahub.models import Partner

        return self.filter(partner__in=Partner.objects.for_user(user))

    def due(self, now=None) -> "SourceQuerySet":
        """Active sources whose next fetch time has come and that no worker holds a lease on."""
        now = now or timezone.now()
        return self.filter(active=True, next_fetch_at__lte=now).filter(
            Q(lease_until__isnull=True) | Q(lease_until__lt=now)
        )

    def with_open_problems(self) -> "SourceQuerySet":
        """Each source knows whether it has open problems (`open_problems`), in the same query:
        a healthy fetch of a healthy source then has nothing to resolve."""
        return self.annotate(
            open_problems=Exists(SourceProblem.objects.open().filter(source=OuterRef("pk")))
        )


class Source(models.Model):
    """One feed of one partner: RSS, Atom, JSON Feed, a video channel or a podcast."""

    # Saved after every fetch; its only references (the partner) need no usage listing, and
    # Wagtail's reference index would double the cost of each fetch.
    wagtail_reference_index_ignore = True

    partner = models.ForeignKey(
        "mediahub.Partner",
        verbose_name=_("partner"),
        on_delete=models.CASCADE,
        related_name="sources",
    )
    url = models.URLField(_("feed URL"), max_length=2000, unique=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    site_url = models.URLField(_("website"), max_length=2000, blank=True)
    trusted = models.BooleanField(
        _("trusted"), default=False, help_text=_("New items are published without moderation.")
    )
    active = models.BooleanField(_("active"), default=True)
    fetch_interval = models.PositiveIntegerField(
        _("fetch interval (minutes)"),
        default=DEFAULT_INTERVAL,
        validators=[MinValueValidator(MIN_INTERVAL)],
    )
    etag = models.CharField(max_length=500, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True, editable=False)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True, editable=False)
    error_count = models.PositiveIntegerField(_("consecutive errors"), default=0, editable=False)
    last_error = models.TextField(_("last error"), blank=True, editable=False)
    # The last error's message template and parameters, to show it in the reader's language.
    last_error_detail = models.JSONField(default=dict, blank=True, editable=False)
    last_warning = models.TextField(_("last warning"), blank=True, editable=False)
    deactivated_reason = models.TextField(_("why it was switched off"), blank=True)
    next_fetch_at = models.DateTimeField(_("next fetch"), default=timezone.now, db_index=True)
    lease_until = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = SourceQuerySet.as_manager()

    class Meta:
        ordering = ["partner__name", "title", "url"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        indexes = [models.Index(fields=["active", "next_fetch_at"], name="source_due_idx")]

    def __str__(self) -> str:
        return self.title or self.url

    def last_error_text(self) -> str:
        """The last error in the reader's language."""
        return in_words(self.last_error, self.last_error_detail)

    def deactivated_reason_text(self) -> str:
        """Why it was switched off, in the reader's language when a failed fetch switched it off
        (the reason is then the last error's text)."""
        detail = self.last_error_detail if self.deactivated_reason == self.last_error else None
        return in_words(self.deactivated_reason, detail)

    @classmethod
    def trust_for_new(cls, partner) -> bool:
        """A new feed starts as trusted as its partner: a trusted partner's feeds publish at once
        (an editor may still change it per feed)."""
        return partner.trusted


class FetchLog(models.Model):
    """One fetch of a source, kept for a bounded history in the admin; unchanged (304) fetches
    in a row share one row, which counts them and carries the latest one's time."""

    wagtail_reference_index_ignore = True

    class Outcome(models.TextChoices):
        OK = "ok", _("New content")
        NOT_MODIFIED = "not_modified", _("Unchanged")
        ERROR = "error", _("Error")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="fetch_logs")
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    http_status = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    bytes_read = models.PositiveIntegerField(_("bytes"), default=0)
    new = models.PositiveIntegerField(_("new"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    fetches = models.PositiveIntegerField(_("fetches"), default=1)
    error = models.TextField(_("error"), blank=True)
    error_detail = models.JSONField(default=dict, blank=True, editable=False)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("fetch")
        verbose_name_plural = _("fetch history")
        indexes = [models.Index(fields=["source", "-started_at"], name="fetchlog_source_idx")]

    def __str__(self) -> str:
        return f"{self.source} @ {self.started_at:%Y-%m-%d %H:%M}"

    def error_text(self) -> str:
        """The error in the reader's language."""
        return in_words(self.error, self.error_detail)


class SourceProblemQuerySet(models.QuerySet):
    def open(self) -> "SourceProblemQuerySet":
        return self.filter(resolved_at__isnull=True)

    def for_user(self, user) -> "SourceProblemQuerySet":
        return self.filter(source__in=Source.objects.for_user(user))


class SourceProblem(models.Model):
    """A feed-health finding, recorded when a fetch shows it, so reports are a cheap query.

    One open row per source and kind: seen again, its last_seen moves; the source recovering
    resolves it. `notified_at` and `editors_notified_at` are when the partner's and the editors'
    digests last carried it.
    """

    class Kind(models.TextChoices):
        FAILING = "failing", _("Failing for more than a day")
        MOVED = "moved", _("Moved permanently")
        UNSTABLE_IDS = "unstable_ids", _("Items reappear as new")
        GONE = "gone", _("Feed gone")

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField(_("problem"), max_length=20, choices=Kind.choices)
    detail = models.JSONField(default=dict, blank=True)
    first_seen = models.DateTimeField(_("first seen"), default=timezone.now)
    last_seen = models.DateTimeField(_("last seen"), default=timezone.now)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    notified_at = models.DateTimeField(_("reported"), null=True, blank=True)
    editors_notified_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SourceProblemQuerySet.as_manager()

    class Meta:
        ordering = ["-last_seen", "-id"]
        verbose_name = _("feed problem")
        verbose_name_plural = _("feed problems")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind"],
                condition=Q(resolved_at__isnull=True),
                name="one_open_problem_per_kind",
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}: {self.get_kind_display()}"
