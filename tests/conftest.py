"""Fixtures shared by every test app: partners, users in their roles, posts (see factories.py)."""

import functools

import pytest
from django.apps import apps
from django.core.cache import cache
from django.db.models.signals import post_migrate
from wagtail.models import Collection

from mediahub.models import Partner
from mediahub.pages import create_info_pages
from mediahub.roles import ensure_groups
from muurkrant.pages import create_starting_pages
from tests.factories import EditorFactory, PartnerFactory, PartnerUserFactory, PostFactory


def _starting_pages_after_flush(**kwargs) -> None:
    """pytest-django empties the database after a transactional test and then sends
    post_migrate: the root collection and the pages the migrations made come back for the tests
    after it."""
    if not Collection.get_first_root_node():
        Collection.add_root(name="Root")
    create_starting_pages(apps)
    create_info_pages(apps)


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
    return PartnerFactory(name="RTV Test", slug="rtv-test", trusted=True)


@pytest.fixture
def other_partner(db) -> Partner:
    return PartnerFactory(name="Radio Elders", slug="radio-elders")


@pytest.fixture
def groups(db) -> None:
    ensure_groups()


@pytest.fixture
def editor(groups):
    return EditorFactory(username="redacteur", password="pw-editor-1")


@pytest.fixture
def partner_user(groups, partner):
    return PartnerUserFactory(username="omroepmens", password="pw-partner-1", partner=partner)


@pytest.fixture
def partner_client(client, partner_user):
    """The test client, logged in as `partner_user`."""
    client.force_login(partner_user)
    return client


@pytest.fixture
def make_post(partner):
    """PostFactory with this test's `partner` as the default."""
    return functools.partial(PostFactory, partner=partner)
