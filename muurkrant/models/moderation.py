"""What moderation keeps: the editors' settings and residents' abuse reports."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from muurkrant.models.posts import Post


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
