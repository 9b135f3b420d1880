from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from feeds.commands import get_partner, vet_url
from feeds.models import Source
from feeds.opml import OPMLError, read_opml


class Command(BaseCommand):
    help = "Register every feed in an OPML file for a partner (known URLs are left as they are)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--partner", required=True, help="the partner's slug")

    def handle(self, *args, path, partner, **options):
        partner = get_partner(partner)
        try:
            outlines = read_opml(Path(path).read_bytes())
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        except OPMLError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        added = known = refused = 0
        for outline in outlines:
            try:
                vet_url(outline.url)
            except CommandError as exc:
                self.stderr.write(f"refused: {exc}")
                refused += 1
                continue
            _, created = Source.objects.get_or_create(
                url=outline.url,
                defaults={
                    "partner": partner,
                    "title": outline.title,
                    "site_url": outline.site_url,
                    "trusted": Source.trust_for_new(partner),
                },
            )
            added += created
            known += not created
        self.stdout.write(f"added={added} known={known} refused={refused}")
