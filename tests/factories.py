"""Factories for the objects tests need: partners, users in their roles, posts, sources, wijken.

partner = PartnerFactory(trusted=True)
PartnerUserFactory(partner=partner)      # a partner user with a membership in `partner`
EditorFactory()                          # a member of the editors' group (moderators)
PostFactory(partner=partner, status=Post.Status.PENDING, wijken=[WijkFactory()])
SourceFactory(partner=partner, url="https://omroep.example.nl/rss", trusted=True)
ImageFactory(title="Brug")               # a Wagtail image with a real image file (editors' only)
ImageFactory(partner=partner)            # ... in the partner's own collection
DocumentFactory(partner=partner)         # a document (a small text file) in it
PartnerTokenFactory(partner=partner)     # an API token for `partner`, held by a new member
"""

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils.text import slugify
from factory.django import DjangoModelFactory, Password
from wagtail.models import Collection

from feeds.models import Source
from mediahub.models import Membership, Partner
from mediahub.roles import EDITORS, PARTNERS, ensure_groups
from muurkrant.models import PartnerToken, Post, Wijk

PASSWORD = "pw-test-1"


def role_group(name: str) -> Group:
    """The role's group with its permissions, created as migrate would if a test flushed it."""
    if not Group.objects.filter(name=name).exists():
        ensure_groups()
    return Group.objects.get(name=name)


class PartnerFactory(DjangoModelFactory):
    class Meta:
        model = Partner
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Omroep {n}")
    slug = factory.LazyAttribute(lambda partner: slugify(partner.name))


class UserFactory(DjangoModelFactory):
    """A user without a role; log in with `PASSWORD` unless `password=` says otherwise."""

    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"gebruiker{n}")
    password = Password(PASSWORD)


class EditorFactory(UserFactory):
    """An editor: in the editors' group (Wagtail's moderators), moderates every partner."""

    username = factory.Sequence(lambda n: f"redacteur{n}")

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        user.groups.add(role_group(EDITORS))


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    partner = factory.SubFactory(PartnerFactory)


class PartnerUserFactory(UserFactory):
    """A partner user: in the partners' group, a member of `partner` (a new one if not given)."""

    class Params:
        partner = factory.SubFactory(PartnerFactory)

    username = factory.Sequence(lambda n: f"omroepmens{n}")
    membership = factory.RelatedFactory(
        MembershipFactory, factory_related_name="user", partner=factory.SelfAttribute("..partner")
    )

    @factory.post_generation
    def role(user, create, extracted, **kwargs):
        user.groups.add(role_group(PARTNERS))


class WijkFactory(DjangoModelFactory):
    class Meta:
        model = Wijk
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Wijk {n}")
    slug = factory.LazyAttribute(lambda wijk: slugify(wijk.name))


class PostFactory(DjangoModelFactory):
    """A published post; `wijken=[...]` may be passed (the post is a cluster)."""

    class Meta:
        model = Post

    partner = factory.SubFactory(PartnerFactory)
    title = "Een bericht"
    status = Post.Status.PUBLISHED


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    partner = factory.SubFactory(PartnerFactory)
    url = factory.Sequence(lambda n: f"https://feeds.example.org/{n}.xml")


def _collection_of(media) -> Collection:
    return media.partner.collection if media.partner else Collection.get_first_root_node()


class ImageFactory(wagtail_factories.ImageFactory):
    """A Wagtail image with a small generated image file, in `partner`'s collection if given."""

    class Params:
        partner = None

    title = "Beeld"
    collection = factory.LazyAttribute(_collection_of)


class DocumentFactory(wagtail_factories.DocumentFactory):
    """A Wagtail document in `partner`'s collection if given (the root collection otherwise)."""

    class Params:
        partner = None

    title = factory.Sequence(lambda n: f"Document {n}")
    file = factory.django.FileField(filename="stadsgesprek.mp3", data=b"ID3 audio")
    collection = factory.LazyAttribute(_collection_of)


class PartnerTokenFactory(DjangoModelFactory):
    """An API token made for `partner` by a new member of it; its plaintext is not kept (tests
    that call the API take it from ``PartnerToken.objects.issue``)."""

    class Meta:
        model = PartnerToken

    partner = factory.SubFactory(PartnerFactory)
    name = factory.Sequence(lambda n: f"Koppeling {n}")
    expires_at = None

    @classmethod
    def _create(cls, model_class, *, partner, name, expires_at, **kwargs):
        user = PartnerUserFactory(partner=partner)
        token, _ = model_class.objects.issue(
            user=user, partner=partner, name=name, expires_at=expires_at
        )
        return token
