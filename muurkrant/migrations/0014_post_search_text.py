"""The search's own column (muurkrant.search), filled for the posts there are; on PostgreSQL a
pg_trgm GIN index over it serves the search's ``LIKE '%word%'``.

The index is written as SQL rather than declared on the model: SQLite has no GIN index, and
django.contrib.postgres would need psycopg installed even where PostgreSQL is not used.
"""

from django.db import migrations, models

from muurkrant.search import search_text

BATCH = 2000
CREATE_INDEX = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS post_search_trgm_idx "
    "ON muurkrant_post USING gin (search_text gin_trgm_ops)",
)
DROP_INDEX = ("DROP INDEX IF EXISTS post_search_trgm_idx",)


def fill(apps, schema_editor):
    Post = apps.get_model("muurkrant", "Post")
    posts = Post.objects.only("title", "summary", "body").order_by("pk")
    batch = []
    for post in posts.iterator(chunk_size=BATCH):
        post.search_text = search_text(post.title, post.summary, post.body)
        batch.append(post)
        if len(batch) == BATCH:
            Post.objects.bulk_update(batch, ["search_text"])
            batch = []
    Post.objects.bulk_update(batch, ["search_text"])


def on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("muurkrant", "0013_post_read_count"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="search_text",
            field=models.TextField(blank=True, default="", editable=False),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(on_postgresql(CREATE_INDEX), on_postgresql(DROP_INDEX)),
    ]
