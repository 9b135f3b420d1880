"""The site's fixed pages: a home page at / with the wall beneath it, on every install."""

from django.db import transaction
from wagtail.models import Locale, Page, Site

from mediahub.models import HomePage
from muurkrant.models import WallPage

HOME_INTRO = (
    "<p>Het nieuws van de lokale omroepen, instellingen en initiatieven van de stad, "
    "op één plek.</p>"
)
WALL_INTRO = "<p>Alle berichten van de lokale partners, nieuwste eerst.</p>"


@transaction.atomic
def ensure_pages(**kwargs) -> WallPage:
    """Create whatever is missing of root → home → wall and the default site; idempotent.

    Runs after every migrate (and after a test database flush), so a fresh install always
    has the pages that the URLs in the public contract point at.
    """
    locale = Locale.objects.order_by("pk").first() or Locale.objects.create(language_code="nl")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = HomePage.objects.first()
    if home is None:
        # Wagtail's own first migration leaves a placeholder welcome page; ours takes its place.
        Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
        root.refresh_from_db()
        home = root.add_child(
            instance=HomePage(title="Mediahub", slug="home", intro=HOME_INTRO, locale=locale)
        )
    wall = WallPage.objects.first() or home.add_child(
        instance=WallPage(title="Muurkrant", slug="muurkrant", intro=WALL_INTRO, locale=locale)
    )
    if not Site.objects.filter(is_default_site=True, root_page=home).exists():
        Site.objects.update_or_create(
            is_default_site=True,
            defaults={
                "hostname": "localhost",
                "port": 80,
                "site_name": "Muurkrant",
                "root_page": home,
            },
        )
    return wall
