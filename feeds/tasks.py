"""Fetching on schedule with django-q2: claim due sources, fetch, ingest, record, plan the next.

django-q2 delivers at least once, so every task here is idempotent: a source is leased with a
token before it is enqueued, a task whose token no longer matches does nothing, and ingesting
the same document twice adds nothing.
"""

import logging
import secrets
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Subquery
from django.utils import timezone
from django_q.models import Schedule
from django_q.tasks import async_task

from feeds import health
from feeds.ingest import IngestSummary, ingest_document
from feeds.models import MAX_BACKOFF, MIN_INTERVAL, FetchLog, Source
from feeds.parse import ParseError
from mediahub.fetch import FetchError, fetch
from mediahub.images import ImageRejected, fetch_image
from mediahub.schedules import keep_scheduled
from muurkrant.models import Post

log = logging.getLogger(__name__)

POLL_SCHEDULE = "feeds.poll"
HISTORY = 50
# What one fetch may change on its source; saved in one go when the fetch is recorded.
SOURCE_STATE = [
    "url", "last_fetched_at", "last_success_at", "error_count", "last_error", "last_error_detail",
    "last_warning", "next_fetch_at", "lease_until", "etag", "last_modified", "active",
    "deactivated_reason",
]  # fmt: skip
POLL_BATCH = 500
# The fetch, index and thumbnail tasks are queued with save=False: nobody reads their results,
# and django-q2's monitor loads every saved result to prune them after each saved task. Their
# failures are still saved (and logged).


@dataclass
class Outcome:
    source: Source
    summary: IngestSummary | None = None
    error: str = ""
    error_detail: dict = field(default_factory=dict)
    not_modified: bool = False

    def line(self) -> str:
        summary = self.summary or IngestSummary()
        text = f"{self.source.url}: {summary.line()}"
        if self.not_modified:
            text += " (not modified)"
        if self.error:
            text += f" error: {self.error}"
        return text


def _lease(source_ids: list[int], now: datetime, *, force: bool = False) -> datetime:
    """Lease those of the sources no one else holds, in one statement; the lease's expiry is the
    token the fetch task must present, and it also tells which sources this call leased."""
    # FEEDS_LEASE_SECONDS is longer than django-q2's timeout + retry, so a lease outlives a task
    # that is being retried; shorter where a lost worker's sources must come back sooner (tests).
    # The random microseconds keep two pollers starting at the same moment apart.
    lease_until = now + timedelta(
        seconds=settings.FEEDS_LEASE_SECONDS, microseconds=secrets.randbelow(1_000_000)
    )
    # The lease conditions are on the updated rows themselves, so that a concurrent poller's
    # lease is seen (PostgreSQL re-checks them on the row it waited for).
    candidates = Source.objects.filter(pk__in=source_ids, active=True).filter(
        Q(lease_until__isnull=True) | Q(lease_until__lt=now)
    )
    if not force:
        candidates = candidates.filter(next_fetch_at__lte=now)
    candidates.update(lease_until=lease_until)
    return lease_until


def claim(source_id: int, *, force: bool = False, now: datetime | None = None) -> datetime | None:
    """Lease one source atomically; its token, or None when it is not due or someone holds it."""
    lease_until = _lease([source_id], now or timezone.now(), force=force)
    leased = Source.objects.filter(pk=source_id, lease_until=lease_until).exists()
    return lease_until if leased else None


def poll() -> int:
    """The every-minute schedule: lease the due sources and enqueue their fetches.

    Batch after batch until none is due, so a cycle covers every source however many there
    are; a leased source is no longer due, so each batch is new work. Three statements a
    batch: the due sources, their leases, and which of them this poll leased.
    """
    enqueued = 0
    while True:
        now = timezone.now()
        due = Source.objects.due(now).order_by("next_fetch_at")
        batch = list(due.values_list("id", flat=True)[:POLL_BATCH])
        if batch:
            token = _lease(batch, now)
            leased = Source.objects.filter(pk__in=batch, lease_until=token).order_by()
            ids = list(leased.values_list("id", flat=True))
            size = fetches_per_task()
            for first in range(0, len(ids), size):
                _enqueue(ids[first : first + size], token)
            enqueued += len(ids)
        if len(batch) < POLL_BATCH:
            return enqueued


def enqueue_fetch(source: Source) -> None:
    """ "Fetch now" from the admin: make the source due and lease it for a worker."""
    Source.objects.filter(pk=source.pk).update(next_fetch_at=timezone.now())
    token = claim(source.pk, force=True)
    if token is not None:
        _enqueue([source.pk], token)


def fetches_per_task() -> int:
    """How many leased sources one task fetches: as many as surely fit in the task's timeout
    at the fetch deadline each (half of it, leaving the other half for ingesting), so the
    queue's own cost per task is shared by a few sources."""
    deadline = max(settings.FEEDS_FETCH_DEADLINE, 1)
    return max(1, int(settings.Q_CLUSTER["timeout"] // (2 * deadline)))


def _enqueue(source_ids: list[int], token: datetime) -> None:
    async_task("feeds.tasks.fetch_leased", source_ids, token.isoformat(), group="feeds", save=False)


def fetch_leased(source_ids: list[int], token: str) -> str:
    """Task body: fetch the sources whose lease we still hold, one after the other; a stale
    duplicate does nothing (sources fetched meanwhile no longer hold this lease)."""
    lease_until = datetime.fromisoformat(token)
    leased = Source.objects.filter(pk__in=source_ids, lease_until=lease_until)
    sources = list(leased.with_open_problems().order_by("pk"))
    lines = [refresh(source).line() for source in sources]
    if len(sources) < len(source_ids):
        lines.append(f"skipped: {len(source_ids) - len(sources)} no longer leased")
    return "\n".join(lines)


def refresh(source: Source) -> Outcome:
    """Fetch, ingest and record one source, then release its lease and plan the next fetch."""
    started = timezone.now()
    clock = time.monotonic()
    outcome = Outcome(source)
    log_row = FetchLog(source=source, started_at=started)
    try:
        result = fetch(
            source.url, etag=source.etag or None, last_modified=source.last_modified or None
        )
    except FetchError as exc:
        log_row.http_status = exc.status
        failure = exc
    else:
        failure = None
        log_row.http_status = result.status
        log_row.bytes_read = result.bytes_read
        if result.status == 304:
            outcome.not_modified = True
        else:
            try:
                outcome.summary = ingest_document(
                    source, result.content, content_type=result.content_type, fetched_at=started
                )
            except ParseError as exc:
                failure = FetchError(exc.msgid, exc.params)
    moved = None
    if failure is not None:
        outcome.error, outcome.error_detail = str(failure), failure.detail
        health.failed(source, failure, started)  # before the failure moves last_success_at on
        _record_failure(source, failure, started)
    elif outcome.summary is None:
        _record_success(source, started, result.max_age, None)
    else:
        source.etag = (result.etag or "")[:500]
        source.last_modified = (result.last_modified or "")[:100]
        summary = outcome.summary
        _record_success(source, started, result.max_age, summary.ttl_minutes, summary.warnings)
        moved = _move(source, result.permanent_url)
    log_row.duration_ms = int((time.monotonic() - clock) * 1000)
    with transaction.atomic():
        # The history row and the new state land together, and the lease is released last:
        # whoever sees the source done also sees its fetch in the history.
        _finish_log(log_row, outcome)
        if failure is None:
            summary = outcome.summary or IngestSummary()
            health.succeeded(
                source,
                started,
                moved=moved,
                new_post_ids=summary.new_post_ids,
                unchanged=summary.unchanged,
            )
        source.save(update_fields=SOURCE_STATE)
    if outcome.summary:
        enqueue_thumbnails(outcome.summary.new_post_ids)
    return outcome


def next_interval(source: Source, hint_seconds: int | None = None) -> timedelta:
    """The configured interval, stretched (never shortened) by what the feed asks, within bounds."""
    seconds = max(source.fetch_interval, MIN_INTERVAL) * 60
    if hint_seconds:
        seconds = max(seconds, hint_seconds)
    return min(timedelta(seconds=seconds), MAX_BACKOFF)


def backoff(source: Source, errors: int) -> timedelta:
    """Exponential back-off after failures: interval × 2^errors, at most a day."""
    interval = max(source.fetch_interval, MIN_INTERVAL) * 60
    return min(timedelta(seconds=interval * 2 ** min(errors, 20)), MAX_BACKOFF)


def _record_success(
    source: Source,
    now: datetime,
    max_age: int | None,
    ttl_minutes: int | None,
    warnings: list[str] | None = None,
) -> None:
    hints = [value for value in (max_age, (ttl_minutes or 0) * 60) if value]
    source.last_fetched_at = source.last_success_at = now
    source.error_count = 0
    source.last_error = ""
    source.last_error_detail = {}
    if warnings is not None:
        source.last_warning = " ".join(warnings)[:2000]
    source.next_fetch_at = now + next_interval(source, max(hints) if hints else None)
    source.lease_until = None


def _record_failure(source: Source, exc: FetchError, now: datetime) -> None:
    source.last_fetched_at = now
    source.error_count += 1
    source.last_error = str(exc)[:2000]
    source.last_error_detail = exc.detail
    source.lease_until = None
    if exc.gone:
        source.active = False
        source.deactivated_reason = str(exc)[:2000]
    if exc.retry_after:
        delay = max(timedelta(seconds=exc.retry_after), next_interval(source))
    else:
        delay = backoff(source, source.error_count)
    source.next_fetch_at = now + delay


def _move(source: Source, permanent_url: str | None) -> tuple[str, str, bool] | None:
    """A permanent redirect moves the source, unless another source already has that URL.

    Returns (old URL, new URL, whether the source moved) when there was one, for the health
    report."""
    if not permanent_url or permanent_url == source.url:
        return None
    old = source.url
    if Source.objects.filter(url=permanent_url).exclude(pk=source.pk).exists():
        source.last_warning = f"Moved permanently to {permanent_url}, already registered."
        return old, permanent_url, False
    source.url = permanent_url[:2000]
    return old, source.url, True


def _finish_log(log_row: FetchLog, outcome: Outcome) -> None:
    if outcome.error:
        log_row.outcome = FetchLog.Outcome.ERROR
        log_row.error = outcome.error[:2000]
        log_row.error_detail = outcome.error_detail
    elif outcome.not_modified:
        log_row.outcome = FetchLog.Outcome.NOT_MODIFIED
    else:
        log_row.outcome = FetchLog.Outcome.OK
    if outcome.summary:
        log_row.new = outcome.summary.new
        log_row.updated = outcome.summary.updated
        log_row.unchanged = outcome.summary.unchanged
    if log_row.outcome == FetchLog.Outcome.NOT_MODIFIED and _repeat_unchanged(log_row):
        return
    log_row.save()
    history = FetchLog.objects.filter(source=log_row.source_id)
    history.filter(id__in=Subquery(history.values("id")[HISTORY:])).delete()


def _repeat_unchanged(log_row: FetchLog) -> bool:
    """Count an unchanged fetch on the source's latest row when that one is unchanged too; a
    source answering 304 all day then adds no rows (and the row shows the latest fetch)."""
    latest = FetchLog.objects.filter(source=log_row.source_id).values("id")[:1]
    repeated = FetchLog.objects.filter(
        id=Subquery(latest), outcome=FetchLog.Outcome.NOT_MODIFIED
    ).update(
        started_at=log_row.started_at,
        http_status=log_row.http_status,
        duration_ms=log_row.duration_ms,
        bytes_read=log_row.bytes_read,
        fetches=F("fetches") + 1,
    )
    return repeated == 1


def enqueue_thumbnails(post_ids: list[int]) -> None:
    if settings.FEEDS_FETCH_THUMBNAILS:
        for post_id in post_ids:
            async_task("feeds.tasks.download_thumbnail", post_id, group="thumbnails", save=False)


def download_thumbnail(post_id: int) -> str:
    """Bring a post's remote thumbnail into our own media; a failure never blocks the post."""
    post = Post.objects.filter(pk=post_id, image__isnull=True).exclude(thumbnail_url="").first()
    if post is None:
        return "nothing to do"
    try:
        image = fetch_image(post.thumbnail_url, title=post.title[:255], partner=post.partner)
    except (FetchError, ImageRejected) as exc:
        log.info("Thumbnail for post %s not stored: %s", post_id, exc)
        return f"failed: {exc}"
    Post.objects.filter(pk=post_id, image__isnull=True).update(image=image, image_alt="")
    return "stored"


def ensure_schedule(**kwargs) -> None:
    """post_migrate: polling every minute."""
    keep_scheduled(POLL_SCHEDULE, "feeds.tasks.poll", Schedule.MINUTES, minutes=1)
