"""Every existing partner gets its own media collection under the root (new ones get it on save)."""

from django.db import migrations

# Treebeard's materialised path: four base-36 digits per level.
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
STEPLEN = 4


def _step(number: int) -> str:
    digits = ""
    while number:
        number, digit = divmod(number, len(ALPHABET))
        digits = ALPHABET[digit] + digits
    return digits.rjust(STEPLEN, "0")


def create_collections(apps, schema_editor):
    Collection = apps.get_model("wagtailcore", "Collection")
    Partner = apps.get_model("mediahub", "Partner")
    root = Collection.objects.filter(depth=1).order_by("path").first()
    partners = Partner.objects.filter(collection__isnull=True).order_by("name", "pk")
    if root is None or not partners.exists():
        return
    children = Collection.objects.filter(path__startswith=root.path, depth=root.depth + 1)
    last = children.order_by("-path").values_list("path", flat=True).first()
    number = int(last[-STEPLEN:], len(ALPHABET)) if last else 0
    for partner in partners:
        number += 1
        partner.collection = Collection.objects.create(
            name=partner.name, path=root.path + _step(number), depth=root.depth + 1, numchild=0
        )
        partner.save(update_fields=["collection"])
        root.numchild += 1
    root.save(update_fields=["numchild"])


class Migration(migrations.Migration):
    dependencies = [("mediahub", "0004_partner_collection")]

    operations = [migrations.RunPython(create_collections, migrations.RunPython.noop)]
