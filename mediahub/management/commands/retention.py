from django.core.management.base import BaseCommand

from mediahub import retention


class Command(BaseCommand):
    help = (
        "Show which records are past their retention period (RETENTION_*_DAYS); with --delete, "
        "remove them now as the daily task does."
    )

    def add_arguments(self, parser):
        parser.add_argument("--delete", action="store_true", help="remove what is due now")

    def handle(self, *args, delete: bool = False, **options):
        for due in retention.run(apply=delete):
            verb = "removed" if delete else "due"
            self.stdout.write(
                f"{due.rule.kind}: {verb}={due.count} "
                f"(older than {due.days} days, before {due.cutoff:%Y-%m-%d %H:%M}) "
                f"— {retention.LABELS[due.rule.kind]}"
            )
