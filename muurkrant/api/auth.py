"""Who is calling the partner API: a Wagtail API token acting for one partner, within a rate."""

import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.models import APIToken

from mediahub.models import Partner

RATE_WINDOW = 60  # seconds; API_RATE_LIMIT is requests per window per token


@dataclass(frozen=True)
class Caller:
    """Who is calling: the token presented and the partner it acts for."""

    token: APIToken
    partner: Partner


class RateLimited(Exception):
    def __init__(self, retry_after: int) -> None:
        super().__init__("Too many requests for this token; slow down.")
        self.retry_after = retry_after


class PartnerTokenAuth(BearerTokenAuth):
    """A Wagtail API token of an active user, acting for one active partner of that user.

    A user in several partners names one in the X-Partner header.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        if not APIToken.validate_token_format(token):
            request.user = AnonymousUser()  # as the parent does: a session never counts
            return None  # cannot exist: spare the database
        api_token = super().authenticate(request, token)
        if api_token is None:
            return None
        partner = _acting_partner(request, api_token)
        _check_rate(api_token)
        return Caller(api_token, partner)


def _acting_partner(request: HttpRequest, api_token: APIToken) -> Partner:
    partners = list(Partner.objects.active().filter(memberships__user=api_token.user))
    wanted = request.headers.get("X-Partner", "").strip()
    if wanted:
        for partner in partners:
            if partner.slug == wanted:
                return partner
        raise AuthenticationError(message=f"This token cannot act for partner '{wanted}'.")
    if len(partners) == 1:
        return partners[0]
    if not partners:
        raise AuthenticationError(message="This token's user acts for no active partner.")
    slugs = ", ".join(partner.slug for partner in partners)
    raise HttpError(400, f"This token's user acts for several partners; send X-Partner: {slugs}.")


def _check_rate(api_token: APIToken) -> None:
    """A fixed window per token in the shared cache; incr is atomic on Redis and locmem."""
    limit = settings.API_RATE_LIMIT
    now = time.time()
    key = f"api-rate:{api_token.key_hash[:32]}:{int(now // RATE_WINDOW)}"
    cache.add(key, 0, timeout=RATE_WINDOW * 2)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=RATE_WINDOW * 2)
        count = 1
    if count > limit:
        raise RateLimited(retry_after=max(1, RATE_WINDOW - int(now % RATE_WINDOW)))
