"""Partner API tokens: Wagtail's hashed APIToken, made for one partner and optionally expiring.

Wagtail's token belongs to a user; a user may publish for several partners, so each token also
records the partner it was made for and acts for that partner only. The API refuses a token
without this record.
"""

import datetime

from django.db import models, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import APIToken

from mediahub.models import Partner
from mediahub.permissions import can_moderate, partner_ids_for


def can_manage_tokens(user, partner_id: int | None) -> bool:
    """Who may create, see and revoke a partner's tokens, and so for whom a token may act:
    an active editor for every partner, an active member for their own."""
    return bool(user.is_active) and (partner_id in partner_ids_for(user) or can_moderate(user))


def token_partners(user) -> QuerySet[Partner]:
    """The partners for which `can_manage_tokens` holds, as a query."""
    if not user.is_active:
        return Partner.objects.none()
    if can_moderate(user):
        return Partner.objects.all()
    return Partner.objects.filter(pk__in=partner_ids_for(user))


def expiry_at(day: datetime.date) -> datetime.datetime:
    """A token that "expires on" a day stops working at the start of that day, local time."""
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


class PartnerTokenQuerySet(models.QuerySet):
    def manageable_by(self, user) -> "PartnerTokenQuerySet":
        """The tokens `can_manage_tokens` lets the user see and revoke, as a query."""
        if user.is_active and can_moderate(user):
            return self.all()  # tokens made before tokens had a partner, too
        return self.filter(partner__in=token_partners(user))

    def issue(
        self,
        *,
        user,
        partner: Partner,
        name: str,
        expires_at: datetime.datetime | None = None,
    ) -> tuple["PartnerToken", str]:
        """Create a token for `partner` held by `user`; the plaintext is returned, never stored."""
        if not can_manage_tokens(user, partner.pk):
            raise ValueError(f"{user} may not hold tokens for {partner}.")
        with transaction.atomic():
            token, plaintext = APIToken.create_token(user=user, name=name)
            partner_token = self.create(token=token, partner=partner, expires_at=expires_at)
        return partner_token, plaintext


class PartnerToken(models.Model):
    """The partner an API token acts for and when it expires (Wagtail's APIToken holds the rest).

    Tokens made before tokens had a partner, by a user of several partners, have none: they
    act for the partner named in the X-Partner header.
    """

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        REVOKED = "revoked", _("Revoked")

    token = models.OneToOneField(
        APIToken, on_delete=models.CASCADE, related_name="partner_token", verbose_name=_("token")
    )
    partner = models.ForeignKey(
        Partner,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="api_tokens",
        verbose_name=_("partner"),
    )
    expires_at = models.DateTimeField(_("expires at"), null=True, blank=True)

    objects = PartnerTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-token__created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return str(self.token)

    def status(self, now: datetime.datetime | None = None) -> Status:
        """Revoked and expired tokens are refused by the API; the admin shows the same answer."""
        if self.token.revoked_at is not None:
            return self.Status.REVOKED
        if self.expires_at is not None and self.expires_at <= (now or timezone.now()):
            return self.Status.EXPIRED
        return self.Status.ACTIVE

    def revoke(self) -> bool:
        """Revoke once; a second revoke keeps the first date. Returns whether anything changed."""
        if self.token.revoked_at is not None:
            return False
        self.token.revoke()
        return True
