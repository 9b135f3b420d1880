"""Sources of feeds-in: where each partner's feed lives, and how fetching it has gone."""

from datetime import timedelta

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

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


class Source(models.Model):
    """One feed of one partner: RSS, Atom, JSON Feed, a video channel or a podcast."""

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

    @classmethod
    def trust_for_new(cls, partner) -> bool:
        """A new feed starts as trusted as its partner: a trusted partner's feeds publish at once
        (an editor may still change it per feed)."""
        return partner.trusted


class FetchLog(models.Model):
    """One fetch of a source, kept for a bounded history in the admin."""

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
    error = models.TextField(_("error"), blank=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        verbose_name = _("fetch")
        verbose_name_plural = _("fetch history")
        indexes = [models.Index(fields=["source", "-started_at"], name="fetchlog_source_idx")]

    def __str__(self) -> str:
        return f"{self.source} @ {self.started_at:%Y-%m-%d %H:%M}"
