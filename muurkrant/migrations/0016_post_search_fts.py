"""On SQLite, an FTS5 trigram index over the search column (muurkrant.search), filled for the
posts there are and kept in step by triggers. PostgreSQL has its pg_trgm index (0014)."""

from django.db import migrations

from muurkrant.search import DROP_SQLITE_INDEX, SQLITE_INDEX


def on_sqlite(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "sqlite":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("muurkrant", "0015_english_pages"),
    ]

    operations = [
        migrations.RunPython(on_sqlite(SQLITE_INDEX), on_sqlite(DROP_SQLITE_INDEX)),
    ]
