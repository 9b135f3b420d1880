"""The hub's core domain: people, the partners they publish for, and the site's home page."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import BaseLogEntry, BaseLogEntryManager, Page
from wagtail.search import index


class User(AbstractUser):
    """Our own user model from the first migration, so that it can grow without a painful swap."""


class PartnerQuerySet(models.QuerySet):
    def active(self) -> "PartnerQuerySet":
        return self.filter(active=True)

    def for_user(self, user) -> "PartnerQuerySet":
        """The partners a user may act for: all for editors, their memberships for the rest."""
        if user.is_superuser or user.has_perm("mediahub.moderate_all"):
            return self.all()
        return self.filter(memberships__user=user)


class Partner(index.Indexed, models.Model):
    """A local party that publishes on the wall: broadcaster, institution, initiative or the city.

    Trusted partners' posts are published at once; the others' wait for an editor.
    """

    class Kind(models.TextChoices):
        BROADCASTER = "broadcaster", _("Local broadcaster")
        INSTITUTION = "institution", _("Cultural institution")
        INITIATIVE = "initiative", _("Neighbourhood initiative")
        MUNICIPALITY = "municipality", _("Municipality")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    kind = models.CharField(
        _("kind"), max_length=20, choices=Kind.choices, default=Kind.BROADCASTER
    )
    trusted = models.BooleanField(
        _("trusted"), default=False, help_text=_("Posts are published without moderation.")
    )
    active = models.BooleanField(_("active"), default=True)
    description = models.TextField(_("description"), blank=True)
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"), blank=True, help_text=_("Receives moderation notices.")
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    collection = models.OneToOneField(
        "wagtailcore.Collection",
        verbose_name=_("media collection"),
        null=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="partner",
        help_text=_("Holds the partner's own images and documents (see mediahub.media)."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = PartnerQuerySet.as_manager()

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("kind"),
        FieldPanel("trusted", permission="mediahub.moderate_all"),
        FieldPanel("active", permission="mediahub.moderate_all"),
        FieldPanel("description"),
        FieldPanel("website"),
        FieldPanel("contact_email"),
        FieldPanel("logo"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        permissions = [("moderate_all", _("Can moderate and manage all partners' content"))]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """Links a user to a partner they publish for; the admin scopes them to these partners."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "partner"], name="unique_membership")
        ]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")

    def __str__(self) -> str:
        return f"{self.user} → {self.partner}"


class PartnerLogEntryManager(BaseLogEntryManager):
    def log_action(self, instance, action, **kwargs):
        partner_id = instance.pk if isinstance(instance, Partner) else instance.partner_id
        return super().log_action(
            instance, action, object_id=str(instance.pk), partner_id=partner_id, **kwargs
        )

    def for_instance(self, instance):
        return self.filter(
            content_type=ContentType.objects.get_for_model(instance, for_concrete_model=False),
            object_id=str(instance.pk),
        )

    def viewable_by_user(self, user):
        """Editors see every partner's entries; everyone else only their own partners'.

        (Wagtail's generic rule caches content types on the user across log models, which
        would hide these entries; partner ownership is the rule that matters here anyway.)
        """
        if user.is_superuser or user.has_perm("mediahub.moderate_all"):
            return self.all()
        return self.filter(partner__in=Partner.objects.for_user(user))


class PartnerLogEntry(BaseLogEntry):
    """Audit log of partner-owned objects (posts, sources, partners), kept apart from Wagtail's
    generic log so that reports such as site history only show partners their own entries."""

    object_id = models.CharField(max_length=255, db_index=True)
    partner = models.ForeignKey(
        Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = PartnerLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = _("partner log entry")
        verbose_name_plural = _("partner log entries")

    def __str__(self) -> str:
        return f"{self.action} on {self.object_verbose_name} {self.object_id}"


class HomePage(Page):
    """The site's front door: a short welcome that leads residents to the wall.

    The wall and its latest posts come from muurkrant's template tags (``wall_tags``), so the
    core never imports the app built on it.
    """

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["muurkrant.WallPage"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")
