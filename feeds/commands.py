"""Helpers shared by the feeds management commands."""

from django.core.management.base import CommandError

from feeds.models import Source
from mediahub.fetch import FetchError, UnsafeURL, check_url
from mediahub.models import Partner


def get_partner(slug: str) -> Partner:
    try:
        return Partner.objects.get(slug=slug)
    except Partner.DoesNotExist:
        raise CommandError(f"No partner with slug '{slug}'. See add_partner.") from None


def get_source(id_or_url: str) -> Source:
    found = Source.objects.filter(pk=int(id_or_url)) if id_or_url.isdigit() else None
    source = (found or Source.objects.filter(url=id_or_url)).select_related("partner").first()
    if source is None:
        raise CommandError(f"No source with id or URL '{id_or_url}'.")
    return source


def vet_url(url: str) -> None:
    """Refuse URLs that the fetcher would refuse anyway, before they are stored."""
    try:
        check_url(url)
    except UnsafeURL as exc:
        raise CommandError(f"{url}: {exc}") from exc
    except FetchError:  # a name that does not resolve now may resolve later
        pass
