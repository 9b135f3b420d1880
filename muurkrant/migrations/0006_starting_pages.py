"""The home page at / with the wall beneath it, and a default site: made once, on a fresh database.

This migration takes the place of `0002_create_pages`, which did the same and was deleted after
databases had applied it (its work had moved to a post-migrate hook that ran on every migrate and
reset an operator's default site). `replaces` keeps both kinds of database in step: one that
applied the old 0002 counts this one as applied and is not touched; one made while the hook was
in place, or a fresh one, runs it, and it leaves a database that already has a home page alone.
"""

from django.db import migrations

from muurkrant.pages import create_starting_pages


def forwards(apps, schema_editor):
    create_starting_pages(apps)


class Migration(migrations.Migration):
    replaces = [("muurkrant", "0002_create_pages")]

    dependencies = [
        ("muurkrant", "0005_post_approved_content"),
        ("mediahub", "0002_partners_homepage"),
        ("wagtailcore", "0098_apitoken"),
    ]

    # Going back leaves the pages: they may hold an editor's work by then.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
