"""An idempotent demo: fictional partners, people, neighbourhoods and a wall full of posts."""

import colorsys
import io
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, ImageDraw

from feeds.ingest import ingest_document
from feeds.models import Source
from mediahub.images import import_image
from mediahub.models import Membership, Partner
from mediahub.roles import EDITORS, PARTNERS, ensure_groups
from muurkrant.models import Post, Wijk

DEMO_PASSWORD = "muurkrant-demo"  # noqa: S105 - a published demo login, refused in production

PARTNERS_DEMO = [
    ("RTV Stadsoog", "rtv-stadsoog", Partner.Kind.BROADCASTER, True),
    ("Radio Rivierstad", "radio-rivierstad", Partner.Kind.BROADCASTER, False),
    ("Bibliotheek Centrum", "bibliotheek-centrum", Partner.Kind.INSTITUTION, True),
    ("Buurtinitiatief De Groene Hof", "de-groene-hof", Partner.Kind.INITIATIVE, False),
    ("Gemeente Rivierstad", "gemeente", Partner.Kind.MUNICIPALITY, True),
]
WIJKEN = ["Centrum", "Noord", "Oost", "Zuid", "West", "Havenkwartier", "Oude Dorp"]
USERS = [
    # username, role, partner slug
    ("beheer", "superuser", None),
    ("redactie", EDITORS, None),
    ("stadsoog", PARTNERS, "rtv-stadsoog"),
    ("rivierstad", PARTNERS, "radio-rivierstad"),
]
DEMO_FEEDS = Path(__file__).resolve().parents[2] / "static" / "feeds" / "demo"
SOURCES = [
    # partner, bundled file, trusted
    ("rtv-stadsoog", "rtv-stadsoog-nieuws.xml", True),
    ("rtv-stadsoog", "rtv-stadsoog-video.xml", True),
    ("radio-rivierstad", "radio-rivierstad-podcast.xml", False),
    ("gemeente", "gemeente-nieuws.json", True),
]
POSTS = [
    # partner, kind, title, summary, tags, wijken, hours ago
    (
        "rtv-stadsoog",
        "article",
        "Nieuwe fietsbrug over de haven geopend",
        "Na twee jaar bouwen kunnen fietsers vanaf vandaag in drie minuten van Noord naar het "
        "Havenkwartier.",
        ["verkeer", "fiets"],
        ["Noord", "Havenkwartier"],
        2,
    ),
    (
        "radio-rivierstad",
        "audio",
        "Stadsgesprek: hoe houden we de binnenstad levendig?",
        "Ondernemers en bewoners praten een uur lang over lege winkels en nieuwe plannen.",
        ["economie", "podcast"],
        ["Centrum"],
        5,
    ),
    (
        "bibliotheek-centrum",
        "article",
        "Taalcafé elke donderdagavond in de bibliotheek",
        "Oefen Nederlands in een ontspannen sfeer, met vrijwilligers en koffie.",
        ["taal", "cultuur"],
        ["Centrum"],
        9,
    ),
    (
        "de-groene-hof",
        "article",
        "Buurtmoestuin zoekt vrijwilligers voor het voorjaar",
        "De moestuin aan de Lindelaan groeit: wie helpt mee met zaaien en oogsten?",
        ["groen", "vrijwilligers"],
        ["Oost"],
        20,
    ),
    (
        "gemeente",
        "article",
        "Werkzaamheden Stationsweg: omleiding vanaf maandag",
        "Door vervanging van het riool is de Stationsweg drie weken dicht voor autoverkeer.",
        ["verkeer", "werkzaamheden"],
        ["Zuid", "Centrum"],
        26,
    ),
    (
        "rtv-stadsoog",
        "video",
        "Terugkijken: de intocht op de Grote Markt",
        "Duizenden kinderen en ouders verwelkomden de Sint op een zonnige zaterdag.",
        ["evenementen"],
        ["Centrum"],
        30,
    ),
    (
        "radio-rivierstad",
        "article",
        "Voetbalclub West viert honderdjarig bestaan",
        "Met een reünie, een toernooi en een tentoonstelling in het clubhuis.",
        ["sport"],
        ["West"],
        48,
    ),
    (
        "gemeente",
        "article",
        "Inloopavond over het nieuwe bestemmingsplan Oude Dorp",
        "Bewoners kunnen vragen stellen en reageren op de plannen voor woningbouw.",
        ["wonen", "inspraak"],
        ["Oude Dorp"],
        54,
    ),
    (
        "bibliotheek-centrum",
        "video",
        "Schrijversavond met lokale dichters",
        "Vijf dichters uit de stad lezen voor uit nieuw werk over de rivier.",
        ["cultuur", "literatuur"],
        ["Centrum"],
        72,
    ),
    (
        "de-groene-hof",
        "article",
        "Repair Café repareert 80 apparaten in één middag",
        "Van broodrooster tot naaimachine: niets hoefde weggegooid te worden.",
        ["duurzaam", "vrijwilligers"],
        ["Oost", "Noord"],
        96,
    ),
]


class Command(BaseCommand):
    help = "Load the demo (idempotent): partners, users, neighbourhoods and posts."

    def handle(self, *args, **options):
        if settings.SETTINGS_MODULE.endswith("production"):
            raise CommandError("The demo publishes known passwords; it never runs in production.")
        with transaction.atomic():
            ensure_groups()
            partners = self.load_partners()
            self.load_users(partners)
            wijken = {
                name: Wijk.objects.get_or_create(name=name, slug=slugify(name))[0]
                for name in WIJKEN
            }
            created = self.load_posts(partners, wijken)
            created += self.load_sources(partners)
            self.illustrate()
        self.stdout.write(f"Demo loaded: {len(partners)} partners, {created} new posts.")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role, partner in USERS:
            label = {"superuser": "administrator", EDITORS: "editor"}.get(
                role, f"partner {partner}"
            )
            self.stdout.write(f"  {username:<12} {label}")

    def load_partners(self) -> dict[str, Partner]:
        partners = {}
        for name, slug, kind, trusted in PARTNERS_DEMO:
            partners[slug], _ = Partner.objects.get_or_create(
                slug=slug,
                defaults={
                    "name": name,
                    "kind": kind,
                    "trusted": trusted,
                    "website": f"https://{slug}.example/",
                    "description": f"{name}.",
                },
            )
        return partners

    def load_users(self, partners: dict[str, Partner]) -> None:
        User = get_user_model()
        for username, role, partner_slug in USERS:
            user, created = User.objects.get_or_create(
                username=username, defaults={"email": f"{username}@example.org"}
            )
            if created:
                user.set_password(DEMO_PASSWORD)
            user.is_superuser = user.is_staff = role == "superuser"
            user.save()
            if role != "superuser":
                user.groups.add(Group.objects.get(name=role))
            if partner_slug:
                Membership.objects.get_or_create(user=user, partner=partners[partner_slug])

    def load_posts(self, partners: dict[str, Partner], wijken: dict[str, Wijk]) -> int:
        now = timezone.now()
        created = 0
        for slug, kind, title, summary, tags, wijk_names, hours in POSTS:
            if Post.objects.filter(partner=partners[slug], title=title).exists():
                continue
            post = Post.objects.create(
                partner=partners[slug],
                origin=Post.Origin.PARTNER,
                kind=kind,
                title=title,
                summary=summary,
                body=f"<p>{summary}</p>",
                status=Post.Status.PUBLISHED,
                published_at=now - timedelta(hours=hours),
            )
            post.tags.add(*tags)
            post.wijken.set([wijken[name] for name in wijk_names])
            created += 1
        return created

    def load_sources(self, partners: dict[str, Partner]) -> int:
        """Bundled feeds, ingested from disk now and served by the site for the queue worker."""
        created = 0
        for slug, filename, trusted in SOURCES:
            url = f"{settings.SITE_URL}{settings.STATIC_URL}feeds/demo/{filename}"
            # Found by file, not address: the site may be served on another port than last time.
            source = Source.objects.filter(
                partner=partners[slug], url__endswith=f"/feeds/demo/{filename}"
            ).first() or Source(partner=partners[slug], trusted=trusted)
            if source.url != url:
                source.url = url
                source.save()
            summary = ingest_document(source, (DEMO_FEEDS / filename).read_bytes())
            created += summary.new
        return created

    def illustrate(self) -> None:
        """Give the demo's own posts without a picture a generated one, so the wall looks lived
        in; posts read from feeds keep what their feed gave them, as real feeds' posts do."""
        own = Post.objects.exclude(origin=Post.Origin.FEED).filter(image__isnull=True)
        for post in own.select_related("partner"):
            post.image = import_image(_picture(post.pk), title=post.title[:255])
            post.image_alt = ""  # decorative: the card's title says what it is about
            post.save(update_fields=["image", "image_alt"])


def _picture(seed: int) -> bytes:
    """A calm abstract landscape in a colour of its own: no stock photos in the repository."""
    hue = (seed * 0.137) % 1
    sky = tuple(int(c * 255) for c in colorsys.hsv_to_rgb(hue, 0.25, 0.95))
    land = tuple(int(c * 255) for c in colorsys.hsv_to_rgb((hue + 0.3) % 1, 0.45, 0.6))
    picture = Image.new("RGB", (960, 540), sky)
    draw = ImageDraw.Draw(picture)
    draw.ellipse((620 + seed % 150, 60, 740 + seed % 150, 180), fill=(255, 236, 170))
    draw.polygon(
        [(0, 380), (300, 260 + seed % 60), (620, 360), (960, 280), (960, 540), (0, 540)], fill=land
    )
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return buffer.getvalue()
