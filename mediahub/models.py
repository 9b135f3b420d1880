"""The hub's core domain: people, the partners they publish for, and the site's own pages."""

import ipaddress
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import BaseLogEntry, BaseLogEntryManager, Locale, Page, PageQuerySet
from wagtail.search import index

from mediahub.caching import content_changed
from mediahub.fetch import is_public_address
from mediahub.retention import LABELS
from mediahub.sanitize import safe_url


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

    def on_air(self) -> "PartnerQuerySet":
        """Active partners with a live stream, for the live page."""
        return self.active().exclude(stream_url="")


def _is_local_host(host: str) -> bool:
    """A host a resident's browser would look for on their own network, not the internet."""
    try:
        return not is_public_address(ipaddress.ip_address(host))
    except ValueError:
        return "." not in host or host.endswith((".localhost", ".local", ".internal", ".lan"))


def validate_stream_url(value: str) -> None:
    """Residents' browsers play the stream: a web address they can reach, over https.

    Local and http addresses are accepted only where private networks are (tests, the demo);
    the public pages' security policy plays media from https addresses only.
    """
    url = safe_url(value)
    if not url:
        raise ValidationError(
            _("Enter the stream's full web address, starting with https://."), code="invalid"
        )
    parts = urlsplit(url)
    if settings.FEEDS_ALLOW_PRIVATE_NETWORKS:
        return
    if _is_local_host(parts.hostname or ""):
        raise ValidationError(
            _(
                "This address is on a private network, so residents cannot reach it. "
                "Enter the stream's public address."
            ),
            code="private",
        )
    if parts.scheme != "https":
        raise ValidationError(
            _("Browsers play streams on this site over https only: enter an https:// address."),
            code="insecure",
        )


class TakeoverPermission(models.TextChoices):
    """Whether other partners may take a post over: the partner's default, a post's own choice."""

    ALLOWED = "allowed", _("Allowed, with credit")
    ASK = "ask", _("Ask me first")
    NOT_ALLOWED = "not_allowed", _("Not allowed")


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
    description = models.TextField(
        _("description"), blank=True, help_text=_("Shown on your public page.")
    )
    website = models.URLField(_("website"), blank=True)
    contact_email = models.EmailField(
        _("contact e-mail"), blank=True, help_text=_("Receives moderation notices.")
    )
    public_email = models.EmailField(
        _("public e-mail"), blank=True, help_text=_("For residents: shown on your public page.")
    )
    phone = models.CharField(
        _("public phone number"), max_length=30, blank=True, help_text=_("Shown on your page.")
    )
    channels = models.TextField(
        _("channels and frequencies"),
        blank=True,
        help_text=_("Where to tune in, one per line, e.g. “FM 105.3” or “Cable channel 42”."),
    )
    stream_url = models.CharField(
        _("live stream"),
        max_length=500,
        blank=True,
        validators=[validate_stream_url],
        help_text=_(
            "The https:// address of your live radio or TV stream (Icecast, MP3/AAC or HLS), "
            "if you have one; residents can listen on your page and on the live page."
        ),
    )
    takeover_permission = models.CharField(
        _("takeover by other partners"),
        max_length=20,
        choices=TakeoverPermission.choices,
        default=TakeoverPermission.ALLOWED,
        help_text=_("The default for your posts; each post may choose otherwise."),
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
        FieldPanel("slug", permission="mediahub.moderate_all"),
        FieldPanel("kind"),
        FieldPanel("trusted", permission="mediahub.moderate_all"),
        FieldPanel("active", permission="mediahub.moderate_all"),
        FieldPanel("logo"),
        FieldPanel("description"),
        FieldPanel("website"),
        FieldPanel("public_email"),
        FieldPanel("phone"),
        FieldPanel("channels"),
        FieldPanel("stream_url"),
        FieldPanel("contact_email"),
        FieldPanel("takeover_permission"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        permissions = [("moderate_all", _("Can moderate and manage all partners' content"))]

    def __str__(self) -> str:
        return self.name

    @property
    def stream_link(self) -> str:
        """The live stream's address as the page may show it ("" for none)."""
        return safe_url(self.stream_url)

    @property
    def stream_host(self) -> str:
        """Named on the play button: residents know whose server they contact."""
        return urlsplit(self.stream_link).hostname or ""

    @property
    def channel_list(self) -> list[str]:
        return [line.strip() for line in self.channels.splitlines() if line.strip()]


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


def routed_pages(pages: PageQuerySet) -> PageQuerySet:
    """The pages at the site's addresses: the Dutch tree, of which the English pages are only
    translations (listed once in sitemaps, menus and footers)."""
    return pages.filter(locale__language_code=settings.LANGUAGE_CODE)


class ReaderLanguageMixin:
    """A page at one address in both languages: the Dutch version routes, and shows the text of
    its translation in the reader's language.

    Wagtail would route an English reader through the English tree, where a page that is not
    translated (yet) is missing and every address would depend on the translation's slugs. So the
    English pages only hold text: title, intro and body; the other fields (a contact address, a
    status) are the Dutch version's. Put it before ``RoutablePageMixin`` and ``Page``.
    """

    def route(self, request, path_components):
        default = Locale.get_default()
        if self.locale_id != default.pk:
            source = self.get_translation_or_none(default)
            if source is not None:
                return source.specific.route(request, path_components)
        return super().route(request, path_components)

    def get_context(self, request, *args, **kwargs) -> dict:
        """``content`` is the version in the reader's language, else the Dutch one, with
        ``content_lang`` naming its language then, so that screen readers switch. An editor's
        preview shows the version being edited."""
        content = self if getattr(request, "is_preview", False) else self.localized.specific
        language = content.locale.language_code
        return {
            **super().get_context(request, *args, **kwargs),
            "content": content,
            "content_lang": None if language == translation.get_language() else language,
        }


class HomePage(ReaderLanguageMixin, Page):
    """The site's front door: a short welcome that leads residents to the wall.

    The wall and its latest posts come from muurkrant's template tags (``wall_tags``), so the
    core never imports the app built on it.
    """

    intro = RichTextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = [
        "muurkrant.WallPage",
        "mediahub.AboutPage",
        "mediahub.PrivacyPage",
        "mediahub.AccessibilityPage",
    ]
    max_count = 1

    class Meta:
        verbose_name = _("home page")


class InfoPage(ReaderLanguageMixin, Page):
    """A page about the service itself (about, privacy, accessibility), in Dutch and English.

    Each statement is its own type, so that the footer finds it by type and it carries only the
    fields it needs.
    """

    body = RichTextField(_("text"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("body")]
    parent_page_types = ["mediahub.HomePage"]
    subpage_types: list[str] = []
    max_count = 1  # its English translation aside
    template = "mediahub/info_page.html"

    class Meta:
        abstract = True


class AboutPage(InfoPage):
    """What the service is, who runs it, how its feed reader behaves, and how to reach us.

    The feed reader's User-Agent names ``SITE_URL/over/``, so the page keeps the slug "over".
    """

    SLUG = "over"

    contact_email = models.EmailField(
        _("contact e-mail"),
        blank=True,
        help_text=_("Shown in the page's contact section, which the footer's contact link opens."),
    )

    content_panels = [*InfoPage.content_panels, FieldPanel("contact_email")]
    template = "mediahub/about_page.html"

    class Meta:
        verbose_name = _("about page")

    def clean(self) -> None:
        super().clean()
        if self.slug != self.SLUG:
            raise ValidationError(
                {
                    "slug": _(
                        "The feed reader introduces itself with a link to /%(slug)s/: "
                        "this page keeps the slug “%(slug)s”."
                    )
                    % {"slug": self.SLUG}
                }
            )


class PrivacyPage(InfoPage):
    """The privacy statement. The retention periods below the text come from the settings, so the
    statement always names the periods the clean-up actually applies."""

    template = "mediahub/privacy_page.html"

    class Meta:
        verbose_name = _("privacy statement")

    def get_context(self, request, *args, **kwargs) -> dict:
        retention = [(LABELS[key], days) for key, days in settings.RETENTION_DAYS.items()]
        return {**super().get_context(request, *args, **kwargs), "retention": retention}


class AccessibilityPage(InfoPage):
    """The accessibility statement after the Dutch model: a status, a date, then the text."""

    class Status(models.TextChoices):
        FULL = "A", _("A – fully compliant")
        PARTIAL = "B", _("B – partially compliant")
        FIRST_MEASURES = "C", _("C – first measures taken")
        PLANNED = "D", _("D – measures planned")

    compliance_status = models.CharField(
        _("compliance status"),
        max_length=1,
        choices=Status.choices,
        default=Status.FIRST_MEASURES,
        help_text=_("A and B need a full WCAG-EM audit that is less than three years old."),
    )
    statement_date = models.DateField(_("date of the statement"), null=True, blank=True)

    content_panels = [
        *InfoPage.content_panels,
        FieldPanel("compliance_status"),
        FieldPanel("statement_date"),
    ]
    template = "mediahub/accessibility_page.html"

    class Meta:
        verbose_name = _("accessibility statement")


INFO_PAGE_TYPES: dict[str, type[InfoPage]] = {
    "about": AboutPage,
    "privacy": PrivacyPage,
    "accessibility": AccessibilityPage,
}
INFO_PATHS_KEY = "mediahub:info-page-paths"


def info_page_paths() -> dict[str, str]:
    """The paths of the live statements by kind ("about", "privacy", "accessibility"), as the
    page tree has them; kept in the cache until a page or site changes."""
    paths = cache.get(INFO_PATHS_KEY)
    if paths is None:
        kinds = {model: kind for kind, model in INFO_PAGE_TYPES.items()}
        paths = {}
        pages = routed_pages(Page.objects.live().type(*INFO_PAGE_TYPES.values()))
        for page in pages.order_by("path"):
            parts = page.get_url_parts()
            if parts is not None:
                paths.setdefault(kinds[page.specific_class], parts[2])
        cache.set(INFO_PATHS_KEY, paths, timeout=None)
    return paths


def forget_info_page_paths(**kwargs) -> None:
    """A page was published, unpublished, moved or deleted, or a site changed."""
    cache.delete(INFO_PATHS_KEY)
    # Again after the commit: a request in between may have cached the old paths.
    transaction.on_commit(lambda: cache.delete(INFO_PATHS_KEY))
    content_changed()  # every cached page links them in its footer


MIN_CONTRAST = 4.5  # WCAG 2.1 AA for normal text
DEFAULT_ACCENT = "#0b5cad"


def contrast_with_white(colour: str) -> float:
    """WCAG 2.1 contrast ratio of a #rrggbb colour against white."""

    def linear(channel: int) -> float:
        value = channel / 255
        return value / 12.92 if value <= 0.03928 else ((value + 0.055) / 1.055) ** 2.4

    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    luminance = 0.2126 * linear(red) + 0.7152 * linear(green) + 0.0722 * linear(blue)
    return 1.05 / (luminance + 0.05)


def validate_accent_colour(value: str) -> None:
    """A #rrggbb colour that white text on it and links in it on white can both be read in."""
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", value):
        raise ValidationError(_("Give the colour as # and six hexadecimal digits, e.g. #0b5cad."))
    ratio = contrast_with_white(value)
    if ratio < MIN_CONTRAST:
        raise ValidationError(
            _(
                "This colour has a contrast of %(ratio).1f:1 with white; it needs at least "
                "%(min).1f:1 to be readable (WCAG 2.1 AA). Choose a darker colour."
            ),
            params={"ratio": ratio, "min": MIN_CONTRAST},
        )


@register_setting(icon="site")
class SiteIdentity(BaseGenericSetting):
    """The city's own name, logo, colour and footer text on every public page."""

    site_name = models.CharField(_("site name"), max_length=60, default="Muurkrant")
    city_name = models.CharField(
        _("city"), max_length=60, blank=True, help_text=_("Shown beside the site name.")
    )
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("logo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    accent_colour = models.CharField(
        _("accent colour"),
        max_length=7,
        default=DEFAULT_ACCENT,
        validators=[validate_accent_colour],
        help_text=_("Links and buttons, as #rrggbb; it must be readable on white."),
    )
    footer_text = models.TextField(_("footer text in Dutch"), blank=True)
    footer_text_en = models.TextField(_("footer text in English"), blank=True)

    panels = [
        FieldPanel("site_name"),
        FieldPanel("city_name"),
        FieldPanel("logo"),
        FieldPanel("accent_colour"),
        FieldPanel("footer_text"),
        FieldPanel("footer_text_en"),
    ]

    class Meta:
        verbose_name = _("site identity")


@dataclass(frozen=True)
class Identity:
    """What every public page shows of the site identity, without a query per request."""

    name: str
    city: str
    accent: str
    logo_url: str
    logo_width: int
    logo_height: int
    footer_text: str
    footer_text_en: str

    def footer(self) -> str:
        """The footer text in the reader's language, Dutch while the English is empty."""
        if translation.get_language() == "en" and self.footer_text_en:
            return self.footer_text_en
        return self.footer_text


IDENTITY_KEY = "mediahub:site-identity"
LOGO_SPEC = "height-48"


def site_identity() -> Identity:
    """The site identity, kept in the cache until it is saved again."""
    identity = cache.get(IDENTITY_KEY)
    if identity is None:
        record = SiteIdentity.load()
        logo = record.logo.get_rendition(LOGO_SPEC) if record.logo else None
        identity = Identity(
            name=record.site_name,
            city=record.city_name,
            accent=record.accent_colour,
            logo_url=logo.url if logo else "",
            logo_width=logo.width if logo else 0,
            logo_height=logo.height if logo else 0,
            footer_text=record.footer_text,
            footer_text_en=record.footer_text_en,
        )
        cache.set(IDENTITY_KEY, identity, timeout=None)
    return identity


def forget_site_identity(created: bool = False, **kwargs) -> None:
    cache.delete(IDENTITY_KEY)
    transaction.on_commit(lambda: cache.delete(IDENTITY_KEY))
    if not created:  # made on the first read with the defaults every page already shows
        content_changed()  # every cached page shows it
