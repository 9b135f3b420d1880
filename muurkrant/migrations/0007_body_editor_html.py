"""Re-clean stored post bodies with the HTML policy the admin's editor can round-trip, so posts
stored before it (with <br>, tables, images, inline elements around blocks) open in the admin.

Bodies the editor itself wrote (its blocks carry data-block-key) are left alone: they open
already, and may hold the editor's own internal links, which have no href to keep."""

from django.db import migrations

from mediahub.sanitize import clean_html

BATCH = 500


def reclean_bodies(apps, schema_editor):
    Post = apps.get_model("muurkrant", "Post")
    last_pk = 0
    while True:
        batch = list(
            Post.objects.filter(pk__gt=last_pk).exclude(body="").exclude(body__contains="data-block-key").order_by("pk").only("pk", "body")[
                :BATCH
            ]
        )
        if not batch:
            return
        last_pk = batch[-1].pk
        changed = []
        for post in batch:
            body = clean_html(post.body)
            if body != post.body:
                post.body = body
                changed.append(post)
        Post.objects.bulk_update(changed, ["body"])


class Migration(migrations.Migration):
    dependencies = [("muurkrant", "0006_starting_pages")]

    operations = [migrations.RunPython(reclean_bodies, migrations.RunPython.noop, elidable=True)]
