"""The English translations of the home page, the wall and the statements, made once.

The English text of the statements used to live beside the Dutch on each page (``title_en``,
``body_en``, dropped by mediahub 0010); an editor's English text is kept in the translation.
"""

from django.conf import settings
from django.db import migrations

from mediahub.pages import create_info_pages
from muurkrant.pages import create_starting_pages

STATEMENT_MODELS = ["aboutpage", "privacypage", "accessibilitypage"]


def forwards(apps, schema_editor):
    create_starting_pages(apps)
    create_info_pages(apps)
    for model_name in STATEMENT_MODELS:
        model = apps.get_model("mediahub", model_name)
        for dutch in model.objects.filter(locale__language_code=settings.LANGUAGE_CODE):
            text = {"title": dutch.title_en, "body": dutch.body_en}
            if dutch.title_en and dutch.body_en:
                model.objects.filter(
                    translation_key=dutch.translation_key, locale__language_code="en"
                ).update(**text, draft_title=dutch.title_en)


class Migration(migrations.Migration):
    dependencies = [
        ("muurkrant", "0014_post_search_text"),
        ("mediahub", "0009_partner_takeover_permission"),
    ]

    # Going back leaves the pages: they may hold an editor's work by then.
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
