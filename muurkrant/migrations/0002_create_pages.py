"""Replace Wagtail's welcome page by our home page with the wall beneath it, on a fresh install."""

from django.db import migrations

HOME_INTRO = (
    "<p>Het nieuws van de lokale omroepen, instellingen en initiatieven van de stad, "
    "op één plek.</p>"
)
WALL_INTRO = "<p>Alle berichten van de lokale partners, nieuwste eerst.</p>"


def create_pages(apps, schema_editor):
    ContentType = apps.get_model("contenttypes.ContentType")
    Page = apps.get_model("wagtailcore.Page")
    Site = apps.get_model("wagtailcore.Site")
    Locale = apps.get_model("wagtailcore.Locale")
    HomePage = apps.get_model("mediahub.HomePage")
    WallPage = apps.get_model("muurkrant.WallPage")

    if HomePage.objects.exists():
        return
    locale = Locale.objects.order_by("pk").first() or Locale.objects.create(language_code="nl")
    root = Page.objects.get(depth=1)
    # Wagtail's initial migration creates a placeholder welcome page; ours takes its place.
    Page.objects.filter(depth=2, slug="home", content_type__model="page").delete()

    home_type, _ = ContentType.objects.get_or_create(model="homepage", app_label="mediahub")
    wall_type, _ = ContentType.objects.get_or_create(model="wallpage", app_label="muurkrant")
    siblings = Page.objects.filter(depth=2).count()
    home_path = f"{root.path}{siblings + 1:04d}"
    home = HomePage.objects.create(
        title="Mediahub",
        draft_title="Mediahub",
        slug="home",
        content_type=home_type,
        path=home_path,
        depth=2,
        numchild=1,
        url_path="/home/",
        locale_id=locale.pk,
        intro=HOME_INTRO,
    )
    WallPage.objects.create(
        title="Muurkrant",
        draft_title="Muurkrant",
        slug="muurkrant",
        content_type=wall_type,
        path=f"{home_path}0001",
        depth=3,
        numchild=0,
        url_path="/home/muurkrant/",
        locale_id=locale.pk,
        intro=WALL_INTRO,
    )
    root.numchild = Page.objects.filter(depth=2).count()
    root.save(update_fields=["numchild"])
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": 80, "site_name": "Muurkrant", "root_page": home},
    )


def remove_pages(apps, schema_editor):
    apps.get_model("mediahub.HomePage").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("muurkrant", "0001_initial"),
        ("mediahub", "0002_partners_homepage"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(create_pages, remove_pages)]
