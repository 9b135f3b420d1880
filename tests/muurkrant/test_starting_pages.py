"""The starting pages are made once, by a migration; later migrates leave the operator's site alone.

Each test works on its own SQLite file, migrated in a separate process as an operator would, so
the test database (and the suite's own page fixture) plays no part.
"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.apps import apps
from wagtail.models import Page, Site

from muurkrant.pages import create_starting_pages

ROOT = Path(__file__).resolve().parents[2]

STATE = """
import django, json
django.setup()
from django.db.migrations.recorder import MigrationRecorder
from wagtail.models import Page, Site
print(json.dumps({
    "pages": [[p.url_path, p.specific_class.__name__] for p in Page.objects.order_by("path")],
    "sites": [[s.hostname, s.port, s.root_page.url_path, s.is_default_site]
              for s in Site.objects.order_by("pk")],
    "muurkrant": sorted(MigrationRecorder.Migration.objects.filter(app="muurkrant")
                        .values_list("name", flat=True)),
}))
"""

# What an operator does in the admin: their own host, port and a different root page.
OPERATOR_SITE = """
import django
django.setup()
from wagtail.models import Site
from muurkrant.models import WallPage
wall = WallPage.objects.get(locale__language_code="nl")
Site.objects.filter(is_default_site=True).update(
    hostname="muurkrant.example.nl", port=443, root_page=wall)
"""


def django(database: Path, *args: str) -> subprocess.CompletedProcess:
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mediahub.settings.test",
        "DATABASE_URL": f"sqlite:///{database}",
    }
    result = subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def migrate(database: Path) -> str:
    result = django(database, "manage.py", "migrate", "--noinput")
    return result.stdout + result.stderr


def state(database: Path) -> dict:
    return json.loads(django(database, "-c", STATE).stdout)


def forget(database: Path, *names: str) -> None:
    """Removes migration records, as if the database had been made by an older version."""
    code = (
        "import django; django.setup(); "
        "from django.db.migrations.recorder import MigrationRecorder as R; "
        f"R.Migration.objects.filter(app='muurkrant', name__in={list(names)!r}).delete()"
    )
    django(database, "-c", code)


@pytest.fixture(scope="module")
def fresh_database(tmp_path_factory) -> Path:
    database = tmp_path_factory.mktemp("fresh") / "db.sqlite3"
    migrate(database)
    return database


@pytest.fixture
def database(fresh_database, tmp_path) -> Path:
    copy = tmp_path / "db.sqlite3"
    shutil.copy(fresh_database, copy)
    return copy


@pytest.mark.slow
def test_a_fresh_database_has_home_wall_and_default_site(fresh_database):
    now = state(fresh_database)
    assert now["pages"] == [
        ["/", "Page"],
        ["/home/", "HomePage"],
        ["/home/muurkrant/", "WallPage"],
        ["/home/over/", "AboutPage"],
        ["/home/privacy/", "PrivacyPage"],
        ["/home/toegankelijkheid/", "AccessibilityPage"],
        # the English translations: the same addresses, shown to English readers
        ["/home-en/", "HomePage"],
        ["/home-en/muurkrant/", "WallPage"],
        ["/home-en/over/", "AboutPage"],
        ["/home-en/privacy/", "PrivacyPage"],
        ["/home-en/toegankelijkheid/", "AccessibilityPage"],
    ]
    assert now["sites"] == [["localhost", 80, "/home/", True]]


@pytest.mark.slow
def test_migrate_again_leaves_the_operators_site_and_pages_alone(database):
    django(database, "-c", OPERATOR_SITE)
    before = state(database)
    assert before["sites"] == [["muurkrant.example.nl", 443, "/home/muurkrant/", True]]
    migrate(database)
    assert state(database) == before


@pytest.mark.slow
@pytest.mark.parametrize(
    "forgotten",
    [
        # applied the deleted 0002_create_pages (which made the pages) and 0003, 0004 after it
        ["0006_starting_pages", "0007_body_editor_html", "0008_info_pages"],
        # made while the pages came from a post-migrate hook: no 0002 at all
        ["0006_starting_pages", "0007_body_editor_html", "0008_info_pages", "0002_create_pages"],
    ],
    ids=["applied-the-deleted-0002", "made-without-0002"],
)
def test_older_databases_migrate_cleanly_to_the_same_state(database, forgotten):
    django(database, "-c", OPERATOR_SITE)
    before = state(database)
    # Those versions knew no later migration of muurkrant than 0007.
    django(database, "manage.py", "migrate", "muurkrant", "0007_body_editor_html")
    forget(database, *forgotten)
    output = migrate(database)
    assert "Traceback" not in output and "Inconsistent" not in output
    assert state(database) == before
    check = django(database, "manage.py", "makemigrations", "--check", "--dry-run")
    assert "No changes detected" in check.stdout


# A database from before the translations: English pages gone, the statement's English text
# beside the Dutch as the old columns held it.
BEFORE_TRANSLATIONS = """
import django
django.setup()
from django.db import connection
from wagtail.models import Page
Page.objects.filter(locale__language_code="en").delete()
with connection.cursor() as cursor:
    cursor.execute("UPDATE mediahub_privacypage SET title_en = 'Our privacy', "
                   "body_en = '<p>The editors wrote this.</p>'")
"""

ENGLISH_PRIVACY = """
import django, json
django.setup()
from mediahub.models import PrivacyPage
page = PrivacyPage.objects.get(locale__language_code="en")
print(json.dumps([page.title, page.body, page.url_path, page.live]))
"""


@pytest.mark.slow
def test_an_older_database_gets_the_english_pages_with_the_editors_english_text(
    database, fresh_database
):
    django(database, "manage.py", "migrate", "muurkrant", "0014_post_search_text")
    django(database, "-c", BEFORE_TRANSLATIONS)
    output = migrate(database)
    assert "Traceback" not in output
    english = json.loads(django(database, "-c", ENGLISH_PRIVACY).stdout)
    assert english == ["Our privacy", "<p>The editors wrote this.</p>", "/home-en/privacy/", True]
    assert state(database)["pages"] == state(fresh_database)["pages"]


@pytest.mark.django_db
def test_starting_pages_come_back_on_an_emptied_database_and_only_there(client):
    """What the suite relies on after pytest-django empties the database."""
    Site.objects.update(hostname="muurkrant.example.nl")
    before = (list(Page.objects.values_list("pk", flat=True)), list(Site.objects.values()))
    create_starting_pages(apps)
    assert (list(Page.objects.values_list("pk", flat=True)), list(Site.objects.values())) == before

    Site.objects.all().delete()
    Page.objects.all().delete()
    create_starting_pages(apps)
    assert client.get("/").status_code == 200
    assert client.get("/muurkrant/").status_code == 200
    assert Site.objects.get(is_default_site=True).root_page.url == "/"
