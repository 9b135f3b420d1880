"""Requests to take over a post whose owner asks to be asked first."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TakeoverRequest(models.Model):
    """A partner asking the owner of a post to take it over; the owner approves or declines.

    Kept after the decision, so both sides can see who asked, who decided and the copy it made.
    """

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")

    original = models.ForeignKey(
        "muurkrant.Post",
        verbose_name=_("post"),
        on_delete=models.CASCADE,
        related_name="takeover_requests",
    )
    partner = models.ForeignKey(
        "mediahub.Partner",
        verbose_name=_("asked by partner"),
        on_delete=models.CASCADE,
        related_name="takeover_requests",
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("asked at"), auto_now_add=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    copy = models.ForeignKey(
        "muurkrant.Post",
        verbose_name=_("copy"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("takeover request")
        verbose_name_plural = _("takeover requests")
        constraints = [
            models.UniqueConstraint(
                fields=["original", "partner"],
                condition=Q(status="pending"),
                name="one_pending_takeover_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.partner} → {self.original}"
