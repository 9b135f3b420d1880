"""Retention: records past their period go; younger ones and those still needed stay."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt, AccessLog
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_q.models import Schedule

from feeds.models import FetchLog
from mediahub import retention
from mediahub.models import PartnerLogEntry
from muurkrant import moderation
from muurkrant.models import AbuseReport, IdempotencyKey, Post
from tests.factories import PostFactory, SourceFactory

pytestmark = pytest.mark.django_db

PERIODS = {
    "abuse_reports": 90,
    "fetch_logs": 30,
    "idempotency_keys": 2,
    "login_failures": 30,
    "moderation_notes": 365,
}


@pytest.fixture(autouse=True)
def _periods(settings):
    settings.RETENTION_DAYS = dict(PERIODS)


def _age(queryset, field: str, days: float) -> None:
    queryset.update(**{field: timezone.now() - timedelta(days=days)})


@pytest.fixture
def records(editor, partner):
    """Of each kind one record just past its period and one just within it."""
    old_post, new_post = PostFactory(partner=partner), PostFactory(partner=partner)
    for post, days in ((old_post, 91), (new_post, 89)):
        report = AbuseReport.objects.create(
            post=post, reason="spam", fingerprint="f", resolved=True
        )
        _age(AbuseReport.objects.filter(pk=report.pk), "created_at", days)
    open_report = AbuseReport.objects.create(post=old_post, reason="other", message="kijk hier")
    _age(AbuseReport.objects.filter(pk=open_report.pk), "created_at", 400)

    source = SourceFactory(partner=partner)
    for days in (31, 29):
        log_row = FetchLog.objects.create(source=source, outcome=FetchLog.Outcome.OK)
        _age(FetchLog.objects.filter(pk=log_row.pk), "started_at", days)

    for key, days in (("old", 3), ("new", 1)):
        row = IdempotencyKey.objects.create(
            partner=partner, key=key, request_hash="h", status_code=201, response={}
        )
        _age(IdempotencyKey.objects.filter(pk=row.pk), "created_at", days)

    rejected_old = PostFactory(partner=partner)
    rejected_new = PostFactory(partner=partner)
    for post, days in ((rejected_old, 366), (rejected_new, 364)):
        moderation.reject(post, editor, f"te oud: {days}")
        _age(Post.objects.filter(pk=post.pk), "updated_at", days)
        _age(PartnerLogEntry.objects.filter(object_id=str(post.pk)), "timestamp", days)
    for days in (31, 29):
        attempt = AccessAttempt.objects.create(
            username=f"redacteur-{days}", ip_address="192.0.2.7", failures_since_start=3
        )
        _age(AccessAttempt.objects.filter(pk=attempt.pk), "attempt_time", days)
        sign_in = AccessLog.objects.create(username="redacteur", ip_address="192.0.2.7")
        _age(AccessLog.objects.filter(pk=sign_in.pk), "attempt_time", days)
    return {"open_report": open_report, "rejected": (rejected_old, rejected_new)}


def _counts(apply: bool) -> dict[str, int]:
    return {due.rule.kind: due.count for due in retention.run(apply=apply)}


def test_the_command_shows_what_is_due_and_removes_nothing(records):
    before = (AbuseReport.objects.count(), FetchLog.objects.count(), IdempotencyKey.objects.count())
    assert _counts(apply=False) == {
        "abuse_reports": 1,
        "fetch_logs": 1,
        "idempotency_keys": 1,
        "login_failures": 2,  # a failed attempt and a sign-in
        "moderation_notes": 2,  # the old post's reason and its audit-log entry
    }
    after = (AbuseReport.objects.count(), FetchLog.objects.count(), IdempotencyKey.objects.count())
    assert after == before
    assert Post.objects.get(pk=records["rejected"][0].pk).rejection_reason == "te oud: 366"


def test_the_command_lists_every_kind_with_its_period(records, capsys):
    call_command("retention")
    out = capsys.readouterr().out
    assert "fetch_logs: due=1 (older than 30 days" in out
    assert "moderation_notes: due=2 (older than 365 days" in out


def test_delete_removes_exactly_what_is_due(records):
    assert _counts(apply=True)["abuse_reports"] == 1
    left = AbuseReport.objects.order_by("created_at")
    assert [report.pk for report in left][0] == records["open_report"].pk  # open: kept
    assert left.count() == 2
    assert FetchLog.objects.count() == 1
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]
    assert (AccessAttempt.objects.count(), AccessLog.objects.count()) == (1, 1)
    assert _counts(apply=False) == dict.fromkeys(PERIODS, 0)


def test_every_period_has_a_rule_and_a_label():
    kinds = {rule.kind for rule in retention.rules()}
    assert kinds == set(settings.RETENTION_DAYS) == set(retention.LABELS)


def test_moderation_notes_lose_their_words_and_keep_the_decision(records):
    old, new = records["rejected"]
    call_command("retention", "--delete")
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.status, old.rejection_reason) == (Post.Status.REJECTED, "")
    assert new.rejection_reason == "te oud: 364"
    old_entry = PartnerLogEntry.objects.get(object_id=str(old.pk), action=moderation.REJECT)
    new_entry = PartnerLogEntry.objects.get(object_id=str(new.pk), action=moderation.REJECT)
    assert old_entry.data["reason"] == ""
    assert new_entry.data["reason"] == "te oud: 364"


def test_shorter_periods_from_settings_make_more_due(records, settings):
    settings.RETENTION_DAYS = {**PERIODS, "fetch_logs": 1, "idempotency_keys": 0}
    counts = _counts(apply=False)
    assert (counts["fetch_logs"], counts["idempotency_keys"]) == (2, 2)


def test_a_daily_task_is_scheduled_by_migrate():
    schedule = Schedule.objects.get(name=retention.SCHEDULE)
    assert (schedule.func, schedule.schedule_type) == ("mediahub.retention.purge", Schedule.DAILY)
    retention.ensure_schedule()
    assert Schedule.objects.filter(name=retention.SCHEDULE).count() == 1


def test_the_task_removes_what_is_due(records):
    summary = retention.purge()
    assert "fetch_logs=1" in summary
    assert FetchLog.objects.count() == 1
