"""Fetching on schedule, against a real local HTTP server: leases, outcomes, back-off, history."""

from datetime import timedelta

import pytest
from django.utils import timezone
from django_q.models import Schedule

from feeds.models import FetchLog, Source
from feeds.tasks import (
    HISTORY,
    POLL_SCHEDULE,
    claim,
    ensure_schedule,
    fetch_leased,
    poll,
    refresh,
)
from muurkrant.models import Post
from muurkrant.queries import matching_ids
from tests.factories import SourceFactory
from tests.feeds.documents import rss

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _private_networks_allowed(settings):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = True


def test_poll_fetches_due_sources_and_a_second_poll_does_not_refetch(http_server, partner):
    http_server.route("/feed", body=rss(("1", "Een"), ("2", "Twee")), headers={"ETag": '"v1"'})
    source = SourceFactory(partner=partner, url=http_server.url("/feed"))
    assert poll() == 1  # the task runs in-process in tests (Q_CLUSTER sync)
    assert Post.objects.filter(source=source).count() == 2
    assert poll() == 0
    assert len(http_server.requests_to("/feed")) == 1
    source.refresh_from_db()
    assert source.etag == '"v1"'
    assert source.lease_until is None
    assert source.next_fetch_at > timezone.now() + timedelta(minutes=14)


def test_200_then_304_sends_the_validators_back(http_server, partner):
    def feed(request):
        if request.headers["If-None-Match"] == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return (
            200,
            {"ETag": '"v1"', "Last-Modified": "Mon, 02 Nov 2026 09:00:00 GMT"},
            rss(("1", "Een")),
        )

    http_server.route("/feed", feed)
    source = SourceFactory(partner=partner, url=http_server.url("/feed"))
    assert "new=1" in refresh(source).line()
    second = refresh(Source.objects.get(pk=source.pk))
    assert second.not_modified and "new=0 updated=0 unchanged=0" in second.line()
    last = http_server.requests_to("/feed")[-1]
    assert last.headers["If-Modified-Since"] == "Mon, 02 Nov 2026 09:00:00 GMT"
    outcomes = list(FetchLog.objects.values_list("outcome", "http_status"))
    assert outcomes == [("not_modified", 304), ("ok", 200)]


def test_a_permanent_redirect_moves_the_source(http_server, partner):
    http_server.route("/old", status=301, headers={"Location": http_server.url("/new")})
    http_server.route("/new", body=rss(("1", "Een")))
    source = SourceFactory(partner=partner, url=http_server.url("/old"))
    refresh(source)
    source.refresh_from_db()
    assert source.url == http_server.url("/new")


def test_410_gone_switches_the_source_off_with_a_reason(http_server, partner):
    http_server.route("/feed", status=410)
    source = SourceFactory(partner=partner, url=http_server.url("/feed"))
    outcome = refresh(source)
    source.refresh_from_db()
    assert not source.active
    assert "410" in source.deactivated_reason and outcome.error
    assert poll() == 0


def test_429_honours_retry_after(http_server, partner):
    http_server.route("/feed", status=429, headers={"Retry-After": "7200"})
    source = SourceFactory(partner=partner, url=http_server.url("/feed"))
    before = timezone.now()
    refresh(source)
    source.refresh_from_db()
    assert source.error_count == 1
    assert source.next_fetch_at >= before + timedelta(seconds=7200)


def test_failures_back_off_exponentially_up_to_a_day(http_server, partner):
    http_server.route("/feed", status=500)
    source = SourceFactory(partner=partner, url=http_server.url("/feed"), fetch_interval=15)
    delays = []
    for _ in range(8):
        before = timezone.now()
        refresh(source)
        source.refresh_from_db()
        delays.append(round((source.next_fetch_at - before).total_seconds() / 60))
    assert delays[:4] == [30, 60, 120, 240]
    assert delays[-1] == 24 * 60
    assert source.error_count == 8 and "500" in source.last_error


def test_a_broken_document_is_an_error_and_keeps_what_was_stored(http_server, partner):
    documents = iter([rss(("1", "Bewaard")), b"<html><body>Onderhoud</body></html>"])
    http_server.route("/feed", lambda request: (200, {}, next(documents)))
    source = SourceFactory(partner=partner, url=http_server.url("/feed"))
    refresh(source)
    outcome = refresh(Source.objects.get(pk=source.pk))
    source.refresh_from_db()
    assert outcome.error and source.error_count == 1 and source.last_error
    assert list(Post.objects.values_list("title", flat=True)) == ["Bewaard"]


def test_ttl_stretches_the_interval_within_bounds(http_server, partner):
    http_server.route("/feed", body=rss(("1", "Een"), extra="<ttl>120</ttl>"))
    source = SourceFactory(partner=partner, url=http_server.url("/feed"))
    before = timezone.now()
    refresh(source)
    source.refresh_from_db()
    assert timedelta(minutes=119) < source.next_fetch_at - before < timedelta(minutes=121)


def test_a_lease_is_taken_once(partner):
    source = SourceFactory(partner=partner, url="https://feeds.example.org/feed")
    first = claim(source.pk)
    assert first is not None
    assert claim(source.pk) is None
    assert claim(source.pk, force=True) is None  # forcing skips "due", never another's lease


def test_a_stale_or_duplicate_task_does_nothing(http_server, partner):
    http_server.route("/feed", body=rss(("1", "Een")))
    source = SourceFactory(partner=partner, url=http_server.url("/feed"))
    token = claim(source.pk)
    assert "new=1" in fetch_leased([source.pk], token.isoformat())
    assert fetch_leased([source.pk], token.isoformat()).startswith("skipped")
    assert len(http_server.requests_to("/feed")) == 1


def test_an_expired_lease_can_be_taken_again(partner):
    source = SourceFactory(partner=partner, url="https://feeds.example.org/feed")
    Source.objects.filter(pk=source.pk).update(lease_until=timezone.now() - timedelta(seconds=1))
    assert claim(source.pk) is not None


def test_fetch_history_is_bounded(http_server, partner):
    http_server.route("/feed", status=500)
    source = SourceFactory(partner=partner, url=http_server.url("/feed"))
    for _ in range(HISTORY + 5):
        refresh(source)
    assert FetchLog.objects.filter(source=source).count() == HISTORY


def test_the_polling_schedule_is_created_once_by_name():
    ensure_schedule()
    ensure_schedule()
    schedule = Schedule.objects.get(name=POLL_SCHEDULE)
    assert schedule.func == "feeds.tasks.poll"
    assert schedule.schedule_type == Schedule.MINUTES and schedule.minutes == 1


def test_ssrf_sources_are_refused_without_a_request(http_server, partner, settings):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = False
    http_server.route("/feed", body=rss(("1", "Een")))
    source = SourceFactory(partner=partner, url=http_server.url("/feed"))
    outcome = refresh(source)
    assert outcome.error
    assert http_server.requests == []
    assert Post.objects.count() == 0


def test_poll_takes_every_due_source_in_batches(http_server, partner, monkeypatch):
    monkeypatch.setattr("feeds.tasks.POLL_BATCH", 2)
    for number in range(5):
        http_server.route(f"/feed{number}", body=rss((str(number), "Een")))
        SourceFactory(partner=partner, url=http_server.url(f"/feed{number}"))
    assert poll() == 5
    assert sorted(http_server.paths) == [f"/feed{number}" for number in range(5)]


def test_fetched_posts_become_searchable(http_server, partner):
    http_server.route("/feed", body=rss(("1", "Fietsbrug geopend"), ("2", "Markt verplaatst")))
    SourceFactory(partner=partner, url=http_server.url("/feed"), trusted=True)
    poll()
    found = Post.objects.filter(pk__in=matching_ids("markt", Post.objects.published()))
    assert [post.identity for post in found] == ["2"]
