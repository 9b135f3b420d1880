"""The about page and the privacy and accessibility statements beside the wall, made once.

The page types are the core's (mediahub 0004); they are made here, after the home page that
0006 makes on a fresh database, and under an existing one otherwise.
"""

from django.db import migrations

from mediahub.pages import create_info_pages


def forwards(apps, schema_editor):
    create_info_pages(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("muurkrant", "0007_body_editor_html"),
        ("mediahub", "0006_info_pages"),
    ]

    # Going back leaves the pages: they may hold an editor's work by then.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
