"""One check for every partner-scoped admin view: another partner's object, by URL, never answers.

The views are discovered, not listed: every registered snippet viewset that is a
``PartnerScopedSnippetViewSet``, and every URL pattern of it (and of its chooser) that takes an
object's ``pk`` — edit, delete, inspect, history, usage, revisions, copy, and custom views such as
moderation and "fetch now". A new viewset or view gets the check without touching the tests.
"""

from django.contrib.admin.utils import quote
from django.db.models import Model
from django.urls import URLPattern, reverse
from django.utils.text import capfirst
from factory.django import DjangoModelFactory
from wagtail.permissions import policy_registry
from wagtail.snippets.models import get_snippet_models
from wagtail.snippets.views.snippets import SnippetViewSet

from mediahub.models import Partner
from mediahub.permissions import PartnerScopedSnippetViewSet
from tests import factories

# Values for URL parameters other than the pk, by parameter name; a new name must be added here.
EXAMPLE_ARGUMENTS = {"decision": "approve"}
MISSING_PK = 987654321


def refused(response) -> bool:
    """Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


def partner_scoped_viewsets() -> list[SnippetViewSet]:
    """Every registered snippet viewset that scopes its objects to the user's partners."""
    viewsets = [model.snippet_viewset for model in get_snippet_models()]
    return [viewset for viewset in viewsets if isinstance(viewset, PartnerScopedSnippetViewSet)]


def object_urls(viewset: SnippetViewSet, pk) -> dict[str, str]:
    """URL name → URL, for every view of the viewset or its chooser that names one object."""
    urls = {}
    for owner in (viewset, viewset.chooser_viewset):
        for pattern in owner.get_urlpatterns():
            assert isinstance(pattern, URLPattern), f"nested URLs in {owner}: look inside them"
            parameters = set(pattern.pattern.regex.groupindex)
            if "pk" not in parameters:
                continue
            missing = parameters - {"pk"} - set(EXAMPLE_ARGUMENTS)
            assert not missing, f"add an example value for {missing} to EXAMPLE_ARGUMENTS"
            kwargs = {name: EXAMPLE_ARGUMENTS[name] for name in parameters - {"pk"}}
            name = owner.get_url_name(pattern.name)
            urls[name] = reverse(name, kwargs={"pk": quote(pk), **kwargs})
    return urls


def foreign_object(model: type[Model], other_partner: Partner) -> Model:
    """An object of `model` that belongs to `other_partner`, built by its factory."""
    if policy_registry.get_by_type(model).partner_attname == "pk":
        return other_partner  # the model is the partner itself
    for factory in vars(factories).values():
        is_factory = isinstance(factory, type) and issubclass(factory, DjangoModelFactory)
        if is_factory and factory._meta.model is model:
            return factory(partner=other_partner)
    raise AssertionError(f"add a factory for {model.__name__} to tests/factories.py")


def fields_of(obj: Model) -> dict:
    """The stored field values, to prove a refused request changed nothing."""
    stored = type(obj)._default_manager.get(pk=obj.pk)
    return {field.attname: getattr(stored, field.attname) for field in obj._meta.concrete_fields}


def assert_views_keep_out(viewset, partner_client, admin_client, other_partner) -> list[str]:
    """Another partner's object answers exactly as a missing one: 404, or refused, never shown.

    Checked by GET and by POST on every object view (a 405 is fine for the method a view does
    not take: it never reaches the object). The object's name never appears, nothing changes,
    and a superuser reaches the same URL, so a 404 is the scope's doing, not a wrong URL.
    Returns the URL names checked.
    """
    obj = foreign_object(viewset.model, other_partner)
    secret = capfirst(str(obj))
    urls = object_urls(viewset, obj.pk)
    missing_urls = object_urls(viewset, MISSING_PK)
    before = fields_of(obj)
    for name, url in urls.items():
        assert admin_client.get(url).status_code != 404, f"{name}: {url} is not found at all"
        statuses = []
        for method in ("get", "post"):
            response = getattr(partner_client, method)(url)
            missing = getattr(partner_client, method)(missing_urls[name])
            statuses.append(response.status_code)
            assert response.status_code in (404, 405) or refused(response), (
                f"{method.upper()} {url} ({name}) answered {response.status_code} "
                "for another partner's object"
            )
            assert response.status_code == missing.status_code, (
                f"{method.upper()} {url} ({name}) answered {response.status_code} "
                f"for another partner's object but {missing.status_code} for a missing one"
            )
            assert secret not in response.content.decode(), f"{name}: {url} shows {secret!r}"
        assert statuses != [405, 405], f"{name}: {url} takes neither GET nor POST"
        assert fields_of(obj) == before, f"{name}: {url} changed another partner's object"
    return sorted(urls)
