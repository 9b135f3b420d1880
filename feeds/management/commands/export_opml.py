from django.core.management.base import BaseCommand

from feeds.models import Source
from feeds.opml import write_opml


class Command(BaseCommand):
    help = "Print the active sources as OPML 2.0."

    def handle(self, *args, **options):
        sources = Source.objects.filter(active=True).select_related("partner")
        self.stdout.write(write_opml(sources, title="Mediahub sources").decode())
