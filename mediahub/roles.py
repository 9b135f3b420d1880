"""The two roles of the admin, as groups: editors moderate everything, partners their own.

The image and document permissions below hold on every collection for editors and on their
own partners' collections for partner users (``PartnerCollectionPermissionPolicy``).
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

EDITORS = "Moderators"  # Wagtail creates this group; editors moderate the wall too
PARTNERS = "Partners"

EDITOR_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "mediahub.moderate_all",
    "mediahub.add_partner",
    "mediahub.change_partner",
    "mediahub.view_partner",
    "muurkrant.add_post",
    "muurkrant.change_post",
    "muurkrant.delete_post",
    "muurkrant.view_post",
    "muurkrant.add_wijk",
    "muurkrant.change_wijk",
    "muurkrant.view_wijk",
    "feeds.add_source",
    "feeds.change_source",
    "feeds.delete_source",
    "feeds.view_source",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]
PARTNER_PERMISSIONS = [
    "wagtailadmin.access_admin",
    "muurkrant.add_post",
    "muurkrant.change_post",
    "muurkrant.delete_post",
    "muurkrant.view_post",
    "feeds.add_source",
    "feeds.change_source",
    "feeds.delete_source",
    "feeds.view_source",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
]


def _permissions(names: list[str]) -> list[Permission]:
    found = []
    for name in names:
        app_label, codename = name.split(".")
        found.append(Permission.objects.get(content_type__app_label=app_label, codename=codename))
    return found


def ensure_groups(**kwargs) -> None:
    """Create or refresh both groups; idempotent, so it runs after every migrate."""
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0)
    for name, perms in ((EDITORS, EDITOR_PERMISSIONS), (PARTNERS, PARTNER_PERMISSIONS)):
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(perms))
