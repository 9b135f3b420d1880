"""The site's starting pages: a home page at / with the wall beneath it, made once per database.

`create_starting_pages` takes an app registry, so the data migration runs it on the historical
models and the test suite on the real ones (pytest-django empties the database between
transactional tests, and the pages the migration made have to come back).
"""

from django.apps.registry import Apps
from django.conf import settings

from mediahub.pages import add_translation, child_path

HOME_INTRO = (
    "<p>Het nieuws van de lokale omroepen, instellingen en initiatieven van de stad, "
    "op één plek.</p>"
)
WALL_INTRO = "<p>Alle berichten van de lokale partners, nieuwste eerst.</p>"
HOME_INTRO_EN = (
    "<p>The news of the city’s local broadcasters, institutions and initiatives, in one place.</p>"
)
WALL_INTRO_EN = "<p>All posts from the local partners, newest first.</p>"


def create_starting_pages(apps: Apps) -> None:
    """Root → home → wall and a default site, on a database that has no home page yet; then the
    English translations of the home page and the wall, if they have none.

    A database that has a home page keeps it, and so does an existing default site: its host,
    port and root page are the operator's.
    """
    HomePage = apps.get_model("mediahub", "HomePage")
    WallPage = apps.get_model("muurkrant", "WallPage")
    if not HomePage.objects.exists():
        _create_dutch_pages(apps)
    dutch = {"locale__language_code": settings.LANGUAGE_CODE}
    home = HomePage.objects.filter(**dutch).order_by("path").first()
    if home is not None:
        add_translation(apps, home, title=home.title, intro=HOME_INTRO_EN)
    wall = WallPage.objects.filter(**dutch).order_by("path").first()
    if wall is not None:
        add_translation(apps, wall, title=wall.title, intro=WALL_INTRO_EN)


def _create_dutch_pages(apps: Apps) -> None:
    ContentType = apps.get_model("contenttypes", "ContentType")
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("mediahub", "HomePage")
    WallPage = apps.get_model("muurkrant", "WallPage")

    def content_type(app_label: str, model: str):
        return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]

    locale = Locale.objects.order_by("pk").first() or Locale.objects.create(language_code="nl")
    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is None:
        root = Page.objects.create(
            title="Root",
            draft_title="Root",
            slug="root",
            path=child_path("", None),
            depth=1,
            numchild=0,
            url_path="/",
            locale=locale,
            content_type=content_type("wagtailcore", "page"),
        )
    # Wagtail's first migration leaves a placeholder welcome page (and a site on it); ours
    # takes its place.
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()
    last = Page.objects.filter(depth=2).order_by("-path").values_list("path", flat=True).first()
    home = HomePage.objects.create(
        title="Mediahub",
        draft_title="Mediahub",
        slug="home",
        path=child_path(root.path, last),
        depth=2,
        numchild=1,
        url_path="/home/",
        locale=locale,
        content_type=content_type("mediahub", "homepage"),
        intro=HOME_INTRO,
    )
    WallPage.objects.create(
        title="Muurkrant",
        draft_title="Muurkrant",
        slug="muurkrant",
        path=child_path(home.path, None),
        depth=3,
        numchild=0,
        url_path="/home/muurkrant/",
        locale=locale,
        content_type=content_type("muurkrant", "wallpage"),
        intro=WALL_INTRO,
    )
    Page.objects.filter(pk=root.pk).update(numchild=Page.objects.filter(depth=2).count())
    if not Site.objects.filter(is_default_site=True).exists():
        Site.objects.create(
            hostname="localhost",
            port=80,
            site_name="Muurkrant",
            root_page=home,
            is_default_site=True,
        )
