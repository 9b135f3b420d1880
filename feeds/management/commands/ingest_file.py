from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from feeds.commands import get_source
from feeds.ingest import ingest_document
from feeds.parse import ParseError
from feeds.tasks import enqueue_thumbnails


class Command(BaseCommand):
    help = "Ingest a feed file from disk as if it had been fetched for a source."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--source", required=True, help="the source, by id or URL")

    def handle(self, *args, path, source, **options):
        source = get_source(source)
        try:
            content = Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror}") from exc
        try:
            summary = ingest_document(source, content)
        except ParseError as exc:
            raise CommandError(f"{path}: {exc}") from exc
        enqueue_thumbnails(summary.new_post_ids)
        for warning in summary.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(f"{source.url}: {summary.line()}")
