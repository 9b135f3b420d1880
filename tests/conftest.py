"""Fixtures shared by every test app: partners, users in their roles, posts."""

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models.signals import post_migrate

from mediahub.models import Membership, Partner
from mediahub.roles import EDITORS, PARTNERS, ensure_groups
from muurkrant.models import Post
from muurkrant.pages import create_starting_pages


def _starting_pages_after_flush(**kwargs) -> None:
    """pytest-django empties the database after a transactional test and then sends
    post_migrate: the pages the migration made come back for the tests after it."""
    create_starting_pages(apps)


post_migrate.connect(
    _starting_pages_after_flush,
    sender=apps.get_app_config("muurkrant"),
    dispatch_uid="tests.starting_pages_after_flush",
)


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Wagtail caches site root paths, and feeds their rendered bodies: a test starts clean."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def partner(db) -> Partner:
    return Partner.objects.create(name="RTV Test", slug="rtv-test", trusted=True)


@pytest.fixture
def other_partner(db) -> Partner:
    return Partner.objects.create(name="Radio Elders", slug="radio-elders")


@pytest.fixture
def groups(db) -> None:
    ensure_groups()


@pytest.fixture
def editor(groups, django_user_model):
    user = django_user_model.objects.create_user("redacteur", password="pw-editor-1")
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


@pytest.fixture
def partner_user(groups, django_user_model, partner):
    user = django_user_model.objects.create_user("omroepmens", password="pw-partner-1")
    user.groups.add(Group.objects.get(name=PARTNERS))
    Membership.objects.create(user=user, partner=partner)
    return user


@pytest.fixture
def make_post(partner):
    def make(**fields) -> Post:
        fields.setdefault("partner", partner)
        fields.setdefault("title", "Een bericht")
        fields.setdefault("status", Post.Status.PUBLISHED)
        return Post.objects.create(**fields)

    return make
