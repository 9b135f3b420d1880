"""Feed health: problems recorded as each fetch reveals them, and a daily digest about them.

A fetch knows what went wrong, so it records the finding (one open `SourceProblem` per source
and kind) and resolves it when the source recovers; the digest is then a query, not a scan of
the fetch history. Partners hear about their own sources, editors about everyone's, by e-mail
at most once a day and in the admin at once.
"""

import logging
from datetime import datetime, timedelta
from smtplib import SMTPException

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from wagtail.users.models import UserProfile

from feeds.models import Source, SourceProblem
from mediahub.fetch.errors import FetchError, in_words
from mediahub.models import Partner
from mediahub.permissions import moderators
from mediahub.schedules import keep_scheduled
from muurkrant.models import Post

log = logging.getLogger(__name__)

DIGEST_SCHEDULE = "feeds.health_digest"
# A digest goes out when the last one is at least this old: daily, with room for the
# schedule's own drift.
DIGEST_GAP = timedelta(hours=20)
# Unstable ids: at least this many new items of one fetch, and at least this share of the
# fetched items, are posts already stored under another id (same link or same content).
UNSTABLE_MIN = 2
UNSTABLE_SHARE = 0.5
Kind = SourceProblem.Kind


def _open(source: Source, kind: str, detail: dict, now: datetime) -> None:
    """Record a finding: a new open problem, or the open one seen again."""
    updated = SourceProblem.objects.open().filter(source=source, kind=kind)
    if not updated.update(last_seen=now, detail=detail):
        SourceProblem.objects.create(
            source=source, kind=kind, detail=detail, first_seen=now, last_seen=now
        )


def _resolve(source: Source, kinds: list[str], now: datetime) -> None:
    SourceProblem.objects.open().filter(source=source, kind__in=kinds).update(resolved_at=now)


def failed(source: Source, exc: FetchError, now: datetime) -> None:
    """A fetch failed: a gone feed, or a source failing for more than FEEDS_HEALTH_FAILING_HOURS
    (counted from its last success, or from when it was added if it never had one)."""
    error = {"error": str(exc), "error_detail": exc.detail}
    if exc.gone:
        _open(source, Kind.GONE, error, now)
    since = source.last_success_at or source.created_at
    if now - since > timedelta(hours=settings.FEEDS_HEALTH_FAILING_HOURS):
        ever = source.last_success_at is not None
        _open(source, Kind.FAILING, {**error, "since": since.isoformat(), "ever": ever}, now)


def succeeded(
    source: Source,
    now: datetime,
    *,
    moved: tuple[str, str, bool] | None = None,
    new_post_ids: list[int] | None = None,
    unchanged: int = 0,
) -> None:
    """A fetch worked: failures resolve; a permanent redirect (from, to, whether the source's
    address was changed) and items reappearing under new ids are recorded."""
    kinds = [Kind.FAILING, Kind.GONE]
    if moved:
        old, new, changed = moved
        _open(source, Kind.MOVED, {"from": old, "to": new, "changed": changed}, now)
    else:
        kinds.append(Kind.MOVED)
    reappeared = _reappeared(source, new_post_ids or [])
    fetched = len(new_post_ids or []) + unchanged
    if reappeared >= UNSTABLE_MIN and reappeared >= UNSTABLE_SHARE * fetched:
        _open(source, Kind.UNSTABLE_IDS, {"count": reappeared, "entries": fetched}, now)
    elif unchanged and not reappeared:
        kinds.append(Kind.UNSTABLE_IDS)  # items kept their ids this time
    # A source read with_open_problems() knows it has none to resolve; any other may have some.
    if getattr(source, "open_problems", True):
        _resolve(source, kinds, now)


def _reappeared(source: Source, new_post_ids: list[int]) -> int:
    """How many of the new posts repeat an older post of the source by link or by content."""
    if not new_post_ids:
        return 0
    new = list(Post.objects.filter(pk__in=new_post_ids).values_list("link", "content_hash"))
    links = {link for link, _hash in new if link}
    hashes = {content_hash for _link, content_hash in new if content_hash}
    older = (
        Post.objects.filter(source=source)
        .exclude(pk__in=new_post_ids)
        .filter(Q(link__in=links) | Q(content_hash__in=hashes))
        .values_list("link", "content_hash")
    )
    seen_links, seen_hashes = set(), set()
    for link, content_hash in older:
        seen_links.add(link)
        seen_hashes.add(content_hash)
    return sum(1 for link, h in new if (link and link in seen_links) or h in seen_hashes)


def describe(problem: SourceProblem) -> str:
    """The problem in plain words, in the active language."""
    detail = problem.detail
    error = in_words(detail.get("error", ""), detail.get("error_detail"))
    if problem.kind == Kind.FAILING:
        since = datetime.fromisoformat(detail["since"])
        when = formats.date_format(timezone.localtime(since), "DATETIME_FORMAT")
        if detail.get("ever"):
            return _("Failing since %(since)s: %(error)s") % {"since": when, "error": error}
        return _("Never fetched successfully since it was added on %(since)s: %(error)s") % {
            "since": when,
            "error": error,
        }
    if problem.kind == Kind.GONE:
        return _("The feed is gone and was switched off: %(error)s") % {"error": error}
    if problem.kind == Kind.MOVED:
        if detail.get("changed"):
            return _(
                "Moved permanently from %(from)s to %(to)s; the source's address was changed "
                "to the new one."
            ) % {"from": detail["from"], "to": detail["to"]}
        return _(
            "Moved permanently from %(from)s to %(to)s, which is already registered as another "
            "source; the address was not changed."
        ) % {"from": detail["from"], "to": detail["to"]}
    return _(
        "%(count)s of %(entries)s items came back as new with the link or text of an earlier "
        "item: the feed changes its item ids, so its items may appear twice."
    ) % {"count": detail.get("count", 0), "entries": detail.get("entries", 0)}


def visible_problems(user) -> list[SourceProblem]:
    """Open problems the user may see: their partners' (every partner's for editors)."""
    return list(
        SourceProblem.objects.open()
        .filter(source__in=Source.objects.for_user(user))
        .select_related("source__partner")
        .order_by("source__partner__name", "-last_seen")
    )


def send_digests() -> str:
    """Mail each partner with unreported problems one digest, and the editors one for all.

    A digest lists the new problems and those still open; a partner (or the editors) digested
    less than DIGEST_GAP ago waits for the next run, so running twice sends nothing new.
    """
    now = timezone.now()
    recent = now - DIGEST_GAP
    sent = 0
    partner_ids = set(
        SourceProblem.objects.filter(notified_at__isnull=True).values_list(
            "source__partner_id", flat=True
        )
    )
    waiting = set(
        SourceProblem.objects.filter(notified_at__gt=recent).values_list(
            "source__partner_id", flat=True
        )
    )
    for partner in Partner.objects.filter(pk__in=partner_ids - waiting):
        problems = _digest(SourceProblem.objects.filter(source__partner=partner), "notified_at")
        members = get_user_model().objects.filter(memberships__partner=partner, is_active=True)
        sent += _mail(members, problems, partner)
        SourceProblem.objects.filter(pk__in=[p.pk for p in problems]).update(notified_at=now)
    unreported = SourceProblem.objects.filter(editors_notified_at__isnull=True)
    if (
        unreported.exists()
        and not SourceProblem.objects.filter(editors_notified_at__gt=recent).exists()
    ):
        problems = _digest(SourceProblem.objects.all(), "editors_notified_at")
        sent += _mail(moderators(), problems, None)
        SourceProblem.objects.filter(pk__in=[p.pk for p in problems]).update(
            editors_notified_at=now
        )
    return f"sent={sent}"


def _digest(problems, marker: str) -> list[SourceProblem]:
    """The new problems and the open ones, by partner and source."""
    found = list(
        problems.filter(Q(**{f"{marker}__isnull": True}) | Q(resolved_at__isnull=True))
        .select_related("source__partner")
        .order_by("source__partner__name", "source__url", "kind")
    )
    for problem in found:
        problem.is_new = getattr(problem, marker) is None
    return found


def _mail(users, problems: list[SourceProblem], partner: Partner | None) -> int:
    """One mail per user, in the language they chose for the admin; a failure is logged."""
    sent = 0
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    for user in users.exclude(email=""):
        language = UserProfile.get_for_user(user).get_preferred_language()
        with translation.override(language):
            lines = [
                {
                    "problem": problem,
                    "text": describe(problem),
                    "url": base
                    + reverse("wagtailsnippets_feeds_source:inspect", args=[problem.source_id]),
                }
                for problem in problems
            ]
            if partner is None:
                subject = _("Feed problems of all partners")
            else:
                subject = _("Feed problems of %(partner)s") % {"partner": partner.name}
            body = render_to_string(
                "feeds/health_digest.txt",
                {
                    "lines": lines,
                    "partner": partner,
                    "sources_url": base + reverse("wagtailsnippets_feeds_source:list"),
                },
            )
        try:
            send_mail(subject, body, None, [user.email])
        except (SMTPException, OSError):
            log.exception("Could not send the feed health digest to user %s", user.pk)
        else:
            sent += 1
    return sent


def ensure_schedule(**kwargs) -> None:
    """post_migrate: the daily digest."""
    keep_scheduled(DIGEST_SCHEDULE, "feeds.health.send_digests")
