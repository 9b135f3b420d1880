import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from mediahub.models import Membership, Partner
from mediahub.roles import PARTNERS, ensure_groups
from muurkrant.models import PartnerToken, can_manage_tokens
from muurkrant.models.tokens import expiry_at


class Command(BaseCommand):
    help = (
        "Issue an API token for a partner, held by the partner's own API user (created if "
        "missing). The token is printed once, as the last line."
    )

    def add_arguments(self, parser):
        parser.add_argument("--partner", required=True, help="the partner's slug")
        parser.add_argument("--name", default="", help="a label to recognise the token by")
        parser.add_argument(
            "--expires",
            type=datetime.date.fromisoformat,
            help="YYYY-MM-DD: the token stops working at the start of that day",
        )

    def handle(self, *args, partner, name, expires, **options):
        found = Partner.objects.filter(slug=partner).first()
        if found is None:
            raise CommandError(f"No partner with slug '{partner}'.")
        if not found.active:
            raise CommandError(f"Partner '{found.slug}' is not active; activate it first.")
        expires_at = expiry_at(expires) if expires else None
        if expires_at and expires_at <= timezone.now():
            raise CommandError(f"--expires {expires} is not in the future.")
        with transaction.atomic():
            user = self._api_user(found)
            partner_token, plaintext = PartnerToken.objects.issue(
                user=user,
                partner=found,
                name=name or f"API token for {found.name}",
                expires_at=expires_at,
            )
        token = partner_token.token
        until = f", valid until {expires} 00:00" if expires else ""
        self.stdout.write(
            f"Token '{token.name}' ({token.prefix}…) for partner '{found.slug}', "
            f"user '{user.username}'{until}. It is shown once; revoke it in the admin under "
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
        elif not can_manage_tokens(user, partner.pk):
            raise CommandError(
                f"User '{username}' exists but is not a member of '{partner.slug}'; "
                "rename that user or add the membership in the admin."
            )
        if not Group.objects.filter(name=PARTNERS).exists():
            ensure_groups()
        user.groups.add(Group.objects.get(name=PARTNERS))
        return user
