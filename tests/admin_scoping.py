"""One check for every partner-scoped admin view: another partner's object, by URL, never answers.

The views are discovered, not listed: every registered snippet viewset that is a
``PartnerScopedSnippetViewSet``, and every URL pattern of it (and of its chooser) that takes an
object's ``pk`` — edit, delete, inspect, history, usage, revisions, copy, and custom views such as
moderation and "fetch now". A new viewset or view gets the check without touching the tests.
Wagtail's image and document views (admin, choosers, admin API) are found by URL namespace.
"""

from django.contrib.admin.utils import quote
from django.db.models import Model
from django.urls import URLPattern, get_resolver, reverse
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


# Wagtail's own media views, by URL namespace, and the model whose objects they name.
MEDIA_NAMESPACES = {
    "wagtailimages": "image",
    "wagtailimages_chooser": "image",
    "wagtailadmin_api:images": "image",
    "wagtaildocs": "document",
    "wagtaildocs_chooser": "document",
    "wagtailadmin_api:documents": "document",
}
MEDIA_OBJECT_PARAMETERS = {"pk", "image_id", "document_id", "doc_id"}
MEDIA_EXAMPLE_ARGUMENTS = {"filter_spec": "max-165x165"}
# Not found for anyone: they need Wagtail's dynamic image serve view, which is not installed.
MEDIA_VIEWS_OFF = {"wagtailimages:url_generator", "wagtailimages:url_generator_output"}


def _namespace_patterns(namespace: str) -> list[URLPattern]:
    resolver = get_resolver()
    for part in namespace.split(":"):
        resolver = resolver.namespace_dict[part][1]
    return [pattern for pattern in resolver.url_patterns if isinstance(pattern, URLPattern)]


def media_urls(kind: str, pk) -> tuple[dict[str, str], dict[str, str]]:
    """(URL name → URL of every view naming one `kind` object, URL name → URL of every other view).

    Views that name an upload in progress (``uploaded_file_id``) are left out: an upload belongs
    to the user who made it, not to a partner.
    """
    objects, others = {}, {}
    for namespace in (ns for ns, of_kind in MEDIA_NAMESPACES.items() if of_kind == kind):
        for pattern in _namespace_patterns(namespace):
            parameters = set(pattern.pattern.regex.groupindex)
            if "uploaded_file_id" in parameters:
                continue
            named = parameters & MEDIA_OBJECT_PARAMETERS
            missing = parameters - named - set(MEDIA_EXAMPLE_ARGUMENTS)
            assert not missing, f"add an example value for {missing} to MEDIA_EXAMPLE_ARGUMENTS"
            kwargs = {name: MEDIA_EXAMPLE_ARGUMENTS[name] for name in parameters - named}
            kwargs.update(dict.fromkeys(named, pk))
            name = f"{namespace}:{pattern.name}"
            if name in MEDIA_VIEWS_OFF:
                continue
            (objects if named else others)[name] = reverse(name, kwargs=kwargs)
    return objects, others


def assert_media_keeps_out(kind, media, partner_client, admin_client) -> list[str]:
    """Another partner's image or document is out of reach by every media URL of the admin.

    A view naming it answers 404 or refuses (by GET and POST) and changes nothing; every other
    view (index, chooser, admin API listing, ``?id=`` lookups) never shows its title or file.
    A superuser reaches each object URL, so a 404 is the scope's doing, not a wrong URL.
    Returns the URL names checked.
    """
    secrets = [media.title, media.file.name.rsplit("/", 1)[-1]]
    objects, others = media_urls(kind, media.pk)
    for name, url in objects.items():
        assert admin_client.get(url).status_code != 404, f"{name}: {url} is not found at all"
    before = fields_of(media)  # after the superuser's visits, which may fill in the file size
    for name, url in objects.items():
        statuses = []
        for method in ("get", "post"):
            response = getattr(partner_client, method)(url)
            statuses.append(response.status_code)
            assert response.status_code in (404, 405) or refused(response), (
                f"{method.upper()} {url} ({name}) answered {response.status_code} "
                f"for another partner's {kind}"
            )
            for secret in secrets:
                assert secret not in response.content.decode(), f"{name}: {url} shows {secret!r}"
        assert statuses != [405, 405], f"{name}: {url} takes neither GET nor POST"
        assert fields_of(media) == before, f"{name}: {url} changed another partner's {kind}"
    for name, url in others.items():
        response = partner_client.get(url, {"id": media.pk}, follow=True)
        assert response.status_code < 500, f"{name}: {url} failed"
        for secret in secrets:
            assert secret not in response.content.decode(), f"{name}: {url} shows {secret!r}"
    return sorted({*objects, *others})
