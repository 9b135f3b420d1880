from django.core.management.base import BaseCommand, CommandError
from django.utils.text import slugify

from mediahub.models import Partner


class Command(BaseCommand):
    help = "Register a partner (broadcaster, institution, initiative) that publishes on the wall."

    def add_arguments(self, parser):
        parser.add_argument("name")
        parser.add_argument("--slug", required=True)
        parser.add_argument("--trusted", action="store_true", help="publish without moderation")
        parser.add_argument("--kind", choices=Partner.Kind.values, default=Partner.Kind.BROADCASTER)

    def handle(self, *args, name, slug, trusted, kind, **options):
        if slugify(slug) != slug:
            raise CommandError(f"'{slug}' is not a valid slug: use lower-case letters, digits, -.")
        if Partner.objects.filter(slug=slug).exists():
            raise CommandError(f"A partner with slug '{slug}' already exists.")
        partner = Partner.objects.create(name=name, slug=slug, trusted=trusted, kind=kind)
        trust = "trusted" if trusted else "moderated"
        self.stdout.write(f"Partner '{partner.name}' created ({trust}), slug {partner.slug}.")
