"""The site's starting pages: a home page at / with the wall beneath it, made once per database.

`create_starting_pages` takes an app registry, so the data migration runs it on the historical
models and the test suite on the real ones (pytest-django empties the database between
transactional tests, and the pages the migration made have to come back).
"""

from django.apps.registry import Apps

from mediahub.pages import child_path

HOME_INTRO = (
    "<p>Het nieuws van de lokale omroepen, instellingen en initiatieven van de stad, "
    "op één plek.</p>"
)
WALL_INTRO = "<p>Alle berichten van de lokale partners, nieuwste eerst.</p>"


def create_starting_pages(apps: Apps) -> None:
    """Root → home → wall and a default site, on a database that has no home page yet.

    A database that has one is left alone, and so is an existing default site: its host, port
    and root page are the operator's.
    """
    ContentType = apps.get_model("contenttypes", "ContentType")
    Locale = apps.get_model("wagtailcore", "Locale")
    Page = apps.get_model("wagtailcore", "Page")
    Site = apps.get_model("wagtailcore", "Site")
    HomePage = apps.get_model("mediahub", "HomePage")
    WallPage = apps.get_model("muurkrant", "WallPage")
    if HomePage.objects.exists():
        return

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
