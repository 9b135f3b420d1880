"""What one fetch cycle costs per unchanged source, through poll and the real fetch task against
a real local HTTP server: SQL statements, Wagtail's reference index, saved task results."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.models import Failure, Success
from django_q.monitor import save_task
from django_q.signals import pre_enqueue
from wagtail.models import ReferenceIndex

from feeds.models import FetchLog, Source, SourceProblem
from feeds.tasks import fetches_per_task, poll
from tests.factories import SourceFactory

pytestmark = pytest.mark.django_db

SOURCES = 10
# Per unchanged source: the task's lease check (shared by the sources of one task), the
# history write, the source's new state.
PER_SOURCE = 3
# Per poll: the due sources, their leases, which leases are ours, and the empty end.
PER_POLL = 4


@pytest.fixture(autouse=True)
def _private_networks_allowed(settings):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = True


@pytest.fixture
def unchanged_sources(http_server, partner) -> list[Source]:
    """Sources answering 304 to their ETag, fetched twice already (the steady state)."""

    def reply(request):
        if request.headers["If-None-Match"] == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"ETag": '"v1"', "Content-Type": "application/rss+xml"}, b""

    sources = []
    for number in range(SOURCES):
        http_server.route(f"/f/{number}.xml", reply)
        sources.append(
            SourceFactory(partner=partner, url=http_server.url(f"/f/{number}.xml"), etag='"v1"')
        )
    for _ in range(2):
        make_due()
        assert poll() == SOURCES
    return sources


def is_transaction(sql: str) -> bool:
    """Transaction control (savepoints inside the test's transaction, BEGIN and COMMIT outside)."""
    return sql.split(" ", 1)[0] in ("SAVEPOINT", "RELEASE", "BEGIN", "COMMIT")


def make_due() -> None:
    Source.objects.update(next_fetch_at=timezone.now())


def test_an_unchanged_source_costs_at_most_three_statements(unchanged_sources, http_server):
    make_due()
    before = len(http_server.requests)
    with CaptureQueriesContext(connection) as queries:
        assert poll() == SOURCES
    assert len(http_server.requests) - before == SOURCES
    statements = [q["sql"] for q in queries.captured_queries if not is_transaction(q["sql"])]
    assert len(statements) <= PER_SOURCE * SOURCES + PER_POLL, "\n".join(statements)
    assert not Source.objects.filter(lease_until__isnull=False).exists()


def test_unchanged_fetches_in_a_row_share_one_history_row(unchanged_sources):
    source = unchanged_sources[0]
    history = list(FetchLog.objects.filter(source=source))
    assert [(row.outcome, row.fetches) for row in history] == [("not_modified", 2)]
    make_due()
    poll()
    latest = FetchLog.objects.filter(source=source).first()
    assert latest.fetches == 3 and latest.started_at > history[0].started_at


def test_sources_and_fetch_logs_stay_out_of_the_reference_index(unchanged_sources):
    types = ContentType.objects.get_for_models(Source, FetchLog).values()
    make_due()
    with CaptureQueriesContext(connection) as queries:
        poll()
    assert not ReferenceIndex.objects.filter(content_type__in=types).exists()
    assert not any("referenceindex" in q["sql"] for q in queries.captured_queries)


def test_fetch_results_are_not_saved_but_failures_are(unchanged_sources):
    queued = []

    def record(task, **kwargs):
        queued.append(dict(task))

    pre_enqueue.connect(record)
    try:
        make_due()
        poll()
    finally:
        pre_enqueue.disconnect(record)
    # A few sources a task, each source in one task.
    batches = [task["args"][0] for task in queued]
    assert sorted(sum(batches, [])) == sorted(source.pk for source in unchanged_sources)
    assert len(batches) < SOURCES and max(map(len, batches)) == fetches_per_task()
    assert not Success.objects.filter(func="feeds.tasks.fetch_leased").exists()
    # The same task failing is saved, where the queue's failures are looked up.
    failed = {**queued[0], "success": False, "result": "RuntimeError", "stopped": timezone.now()}
    save_task(failed, get_broker())
    assert Failure.objects.filter(func="feeds.tasks.fetch_leased").count() == 1


def test_an_unchanged_fetch_still_resolves_an_open_problem(unchanged_sources):
    source = unchanged_sources[0]
    problem = SourceProblem.objects.create(source=source, kind=SourceProblem.Kind.FAILING)
    make_due()
    poll()
    problem.refresh_from_db()
    assert problem.resolved_at is not None
