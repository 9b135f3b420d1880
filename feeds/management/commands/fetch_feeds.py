import sys

from django.core.management.base import BaseCommand, CommandError

from feeds.commands import get_source
from feeds.models import Source
from feeds.tasks import claim, refresh


class Command(BaseCommand):
    help = "Fetch due sources now (or all, or one); prints new=N updated=N unchanged=N per source."

    def add_arguments(self, parser):
        parser.add_argument("--source", help="one source, by id or URL (fetched even if not due)")
        parser.add_argument("--all", action="store_true", help="every active source, due or not")

    def handle(self, *args, source=None, all=False, **options):
        if source:
            ids = [get_source(source).pk]
        elif all:
            ids = list(Source.objects.filter(active=True).values_list("id", flat=True))
        else:
            ids = list(Source.objects.due().values_list("id", flat=True))
        force = bool(source or all)
        lines, failures = [], 0
        for done, source_id in enumerate(ids, start=1):
            self._progress(done, len(ids))
            if claim(source_id, force=force) is None:
                lines.append(f"source {source_id}: skipped (not active, or another worker has it)")
                continue
            outcome = refresh(Source.objects.select_related("partner").get(pk=source_id))
            failures += bool(outcome.error)
            lines.append(outcome.line())
        if ids:
            sys.stderr.write("\n")
        for line in lines:
            self.stdout.write(line)
        self.stdout.write(f"{len(ids)} sources fetched, {failures} with errors.")
        if source and failures:
            raise CommandError("The source could not be fetched.")

    def _progress(self, done: int, total: int) -> None:
        width = 30
        filled = width * done // total
        sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()
