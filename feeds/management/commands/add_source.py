from argparse import BooleanOptionalAction

from django.core.management.base import BaseCommand, CommandError

from feeds.commands import get_partner, vet_url
from feeds.models import Source
from mediahub.sanitize import safe_url


class Command(BaseCommand):
    help = "Register a feed (RSS, Atom, JSON Feed, video channel, podcast) for a partner."

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument("--partner", required=True, help="the partner's slug")
        parser.add_argument(
            "--trusted",
            action=BooleanOptionalAction,
            default=None,
            help="publish without moderation (default: as trusted as the partner)",
        )

    def handle(self, *args, url, partner, trusted, **options):
        partner = get_partner(partner)
        clean = safe_url(url)
        if not clean or clean != url.strip():
            raise CommandError(f"'{url}' is not an absolute http(s) URL without credentials.")
        vet_url(clean)
        if Source.objects.filter(url=clean).exists():
            raise CommandError(f"{clean} is already registered.")
        if trusted is None:
            trusted = Source.trust_for_new(partner)
        source = Source.objects.create(url=clean, partner=partner, trusted=trusted)
        self.stdout.write(f"Source {source.pk} added for {partner.name}: {clean}")
