from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from wagtail.models import APIToken

from mediahub.models import Membership, Partner
from mediahub.roles import PARTNERS, ensure_groups


class Command(BaseCommand):
    help = (
        "Issue an API token for a partner, held by the partner's own API user (created if "
        "missing). The token is printed once, as the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partner", required=True, help="the partner's slug")
        parser.add_argument("--name", default="", help="a label to recognise the token by")

    def handle(self, *args, partner, name, **options):
        found = Partner.objects.filter(slug=partner).first()
        if found is None:
            raise CommandError(f"No partner with slug '{partner}'.")
        if not found.active:
            raise CommandError(f"Partner '{found.slug}' is not active; activate it first.")
        with transaction.atomic():
            user = self._api_user(found)
            token, plaintext = APIToken.create_token(
                user=user, name=name or f"API token for {found.name}"
            )
        self.stdout.write(
            f"Token '{token.name}' ({token.prefix}…) for partner '{found.slug}', "
            f"user '{user.username}'. It is shown once; revoke it in the admin under "
            "Settings → API tokens."
        )
        self.stdout.write(plaintext)

    def _api_user(self, partner: Partner):
        """The partner's dedicated API user: no password, a member of this partner only."""
        username = f"api-{partner.slug}"[:150]
        user_model = get_user_model()
        user = user_model.objects.filter(username=username).first()
        if user is None:
            user = user_model(username=username, first_name="API", last_name=partner.name[:150])
            user.set_unusable_password()
            user.save()
            Membership.objects.create(user=user, partner=partner)
            self.stdout.write(f"Created API user '{username}'.")
        elif not user.is_active:
            raise CommandError(f"User '{username}' is inactive; reactivate it in the admin.")
        elif not Membership.objects.filter(user=user, partner=partner).exists():
            raise CommandError(
                f"User '{username}' exists but is not a member of '{partner.slug}'; "
                "rename that user or add the membership in the admin."
            )
        if not Group.objects.filter(name=PARTNERS).exists():
            ensure_groups()
        user.groups.add(Group.objects.get(name=PARTNERS))
        return user
