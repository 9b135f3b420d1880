"""Who is calling the partner API: a Wagtail API token acting for one partner, within a rate."""

import contextlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.http import HttpRequest
from django.utils import formats, timezone
from ninja.errors import AuthenticationError, HttpError
from wagtail.api.v3.auth import BearerTokenAuth
from wagtail.models import APIToken

from mediahub.models import Partner
from muurkrant.models import PartnerToken, can_manage_tokens

# The rate window is cut into this many buckets; a request counts against every bucket that may
# still lie within API_RATE_WINDOW, so the limit holds for any span of that length.
RATE_BUCKETS = 10


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
    """A Wagtail API token of an active user, acting for one active partner.

    A token acts for the partner it was made for; one made before tokens had a partner, by a
    user of several partners, acts for the one named in the X-Partner header. A token that was
    never made for a partner (e.g. its PartnerToken deleted) is refused.
    """

    def authenticate(self, request: HttpRequest, token: str) -> Caller | None:
        request.user = AnonymousUser()  # as the parent does: a session never counts
        if not APIToken.validate_token_format(token):
            return None  # cannot exist: spare the database
        api_token = (
            APIToken.objects.select_related("user", "partner_token__partner")
            .filter(key_hash__in=APIToken.candidate_key_hashes(token))
            .first()
        )
        if api_token is None:
            return None
        partner_token = getattr(api_token, "partner_token", None)
        _refuse_unusable(api_token, partner_token)
        request.user = api_token.user
        if partner_token.partner is None:
            partner = _acting_partner(request, api_token)
        else:
            partner = _own_partner(request, partner_token)
        self._touch_last_used(api_token)
        check_rate(api_token.key_hash)
        return Caller(api_token, partner)


def _refuse_unusable(api_token: APIToken, partner_token: PartnerToken | None) -> None:
    if api_token.revoked_at is not None:
        when = formats.date_format(timezone.localtime(api_token.revoked_at), "Y-m-d H:i")
        raise AuthenticationError(message=f"This token was revoked on {when}.")
    if partner_token is None:
        raise AuthenticationError(message="This token was not made for a partner.")
    if partner_token.status() == PartnerToken.Status.EXPIRED:
        when = formats.date_format(timezone.localtime(partner_token.expires_at), "Y-m-d H:i")
        raise AuthenticationError(message=f"This token expired on {when}.")
    if not api_token.user.is_active:
        raise AuthenticationError(message="This token's user is inactive.")


def _own_partner(request: HttpRequest, partner_token: PartnerToken) -> Partner:
    partner = partner_token.partner
    wanted = request.headers.get("X-Partner", "").strip()
    if wanted and wanted != partner.slug:
        raise AuthenticationError(message=f"This token acts for partner '{partner.slug}' only.")
    if not partner.active:
        raise AuthenticationError(message=f"Partner '{partner.slug}' is not active.")
    if not can_manage_tokens(partner_token.token.user, partner.pk):
        raise AuthenticationError(
            message=f"This token's user no longer acts for partner '{partner.slug}'."
        )
    return partner


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


def check_rate(key: str, now: float | None = None) -> None:
    """At most API_RATE_LIMIT requests per key in any API_RATE_WINDOW seconds, in the shared
    cache, so that every web process counts together.

    The window is kept as RATE_BUCKETS counters, plus the one the window's start falls in:
    counting that whole bucket may refuse a little early, but never lets more through. A
    request is counted first and uncounted when refused; ``incr`` is atomic on Redis.
    """
    limit, window = settings.API_RATE_LIMIT, settings.API_RATE_WINDOW
    width = window / RATE_BUCKETS
    now = time.time() if now is None else now
    current = int(now // width)
    indexes = range(current - RATE_BUCKETS, current + 1)
    keys = [f"api-rate:{key[:32]}:{index}" for index in indexes]
    timeout = math.ceil(window + 2 * width)
    cache.add(keys[-1], 0, timeout=timeout)
    try:
        cache.incr(keys[-1])
    except ValueError:  # evicted between add and incr
        cache.set(keys[-1], 1, timeout=timeout)
    found = cache.get_many(keys)
    counts = [int(found.get(name, 0)) for name in keys]
    if sum(counts) <= limit:
        return
    with contextlib.suppress(ValueError):  # evicted: nothing left to uncount
        cache.decr(keys[-1])
    counts[-1] -= 1
    raise RateLimited(retry_after=_seconds_until_room(counts, indexes, limit, width, now))


def _seconds_until_room(counts: list[int], indexes: range, limit: int, width: float, now: float):
    """When the oldest buckets have left the window far enough for one more request."""
    remaining = sum(counts)
    free_at = now
    for index, count in zip(indexes, counts, strict=True):
        if remaining < limit:
            break
        remaining -= count
        free_at = (index + RATE_BUCKETS + 1) * width
    return max(1, math.ceil(free_at - now))
