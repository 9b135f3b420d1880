"""Partner-private media: each partner's images and documents live in the partner's own collection.

Why collections: a Wagtail collection per partner is Wagtail's native unit of media access, so
its index, edit, delete, usage, multiple-upload and chooser views, and its upload forms, scope
themselves once the permission policy (``PartnerCollectionPermissionPolicy``) names the user's
collections; only the admin API (scoped in wagtail_hooks) and the download view ask nothing.
"""

from django.db.models import QuerySet
from wagtail import hooks
from wagtail.models import Collection
from wagtail.permissions import policy_registry

from mediahub.models import Partner

# Apps built on mediahub answer "does a public page play this document?" through this hook:
# a function taking the document and returning True makes it downloadable by anyone.
PUBLIC_DOCUMENT_HOOK = "is_document_public"
# What an admin user may do with a medium to see it in a listing, detail or download.
SEE_MEDIA = ["choose", "change"]


def partner_collection(partner: Partner | None) -> Collection:
    """The partner's collection, made under the root on first use; the root without a partner."""
    root = Collection.get_first_root_node()
    if partner is None:
        return root
    if partner.collection_id is None:
        partner.collection = root.add_child(instance=Collection(name=partner.name))
        Partner.objects.filter(pk=partner.pk).update(collection=partner.collection)
    return partner.collection


def give_partner_a_collection(sender, instance: Partner, **kwargs) -> None:
    """post_save of Partner: a new partner can upload media at once, under its current name."""
    collection = partner_collection(instance)
    if collection.name != instance.name:
        collection.name = instance.name
        collection.save(update_fields=["name"])


def visible_media(model, user) -> QuerySet:
    """The images or documents the user may see in the admin: their partners', or all."""
    policy = policy_registry.get_by_type(model)
    return policy.instances_user_has_any_permission_for(user, SEE_MEDIA)


def may_download(document, user) -> bool:
    """Who may download a document: anyone if a public page plays it (a published post's
    audio), otherwise only the users who see it in the admin (its partner's users, editors)."""
    policy = policy_registry.get_by_type(type(document))
    if policy.user_has_any_permission_for_instance(user, SEE_MEDIA, document):
        return True
    return any(is_public(document) for is_public in hooks.get_hooks(PUBLIC_DOCUMENT_HOOK))
