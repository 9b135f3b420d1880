"""Beyond one machine: two real qcluster processes on one PostgreSQL and one Redis.

Three fetch cycles over 200 sources must fetch each source exactly once and store each entry
exactly once; then one cluster is killed (SIGKILL) mid-fetch, and the other must finish its
work after the leases expire, again without a duplicate or a lost entry.

Run by `make test-scale` (CI runs it after the PostgreSQL suite); needs DATABASE_URL (PostgreSQL)
and REDIS_URL, and skips without them.
"""

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from django_q.brokers import get_broker
from django_q.conf import Conf
from django_q.status import Stat

from feeds.models import FetchLog, Source
from feeds.tasks import poll
from mediahub.models import Partner
from muurkrant.models import Post
from tests.feeds.conftest import LocalHTTPServer, RecordedRequest
from tests.feeds.documents import rss

ROOT = Path(__file__).resolve().parents[2]
SOURCES = 200
LEASE_SECONDS = 15
SLOW_REPLY = 0.3  # seconds per response in the kill cycle, so the kill lands mid-fetch
CYCLE_TIMEOUT = 120

pytestmark = [
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres")
        or not os.environ.get("REDIS_URL"),
        reason="needs DATABASE_URL (PostgreSQL) and REDIS_URL shared by the two clusters",
    ),
]


class Feeds:
    """200 feeds on one loopback server; cycle n adds an entry to every feed."""

    def __init__(self) -> None:
        self.server = LocalHTTPServer()
        self.cycle = 1
        self.delay = 0.0
        for number in range(SOURCES):
            self.server.route(f"/f/{number}.xml", self.reply)

    def reply(self, request: RecordedRequest) -> tuple[int, dict[str, str], bytes]:
        if self.delay:
            self.server.sleep(self.delay)
        number = request.path.split("/")[-1].removesuffix(".xml")
        items = [(f"{number}-{n}", f"Bericht {n} van {number}") for n in range(self.entries)]
        return 200, {"Content-Type": "application/rss+xml"}, rss(*items)

    @property
    def entries(self) -> int:
        return self.cycle + 2

    def requests_since(self, start: int) -> Counter:
        return Counter(request.path for request in self.server.requests[start:])


@pytest.fixture
def feeds() -> Iterator[Feeds]:
    feeds = Feeds()
    yield feeds
    feeds.server.stop()


@pytest.fixture
def clusters(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settings
) -> Iterator[list[subprocess.Popen]]:
    """Two qcluster processes (two workers each) against this test's database and Redis."""
    monkeypatch.setattr(Conf, "SYNC", False)  # poll() here enqueues for the clusters
    settings.FEEDS_LEASE_SECONDS = LEASE_SECONDS  # poll() leases
    get_broker().purge_queue()
    database = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mediahub.settings.test",
        "DATABASE_URL": (
            f"postgres://{database['USER']}:{database['PASSWORD']}@{database['HOST']}:"
            f"{database['PORT']}/{database['NAME']}"
        ),
        "Q_SYNC": "false",
        "Q_WORKERS": "2",
        "FEEDS_ALLOW_PRIVATE_NETWORKS": "true",
        "FEEDS_LEASE_SECONDS": str(LEASE_SECONDS),
    }
    processes = []
    for name in ("a", "b"):
        with (tmp_path / f"qcluster-{name}.log").open("wb") as log:
            processes.append(
                subprocess.Popen(
                    [sys.executable, "manage.py", "qcluster"],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            )
    try:
        wait_until(lambda: len(Stat.get_all(broker=get_broker())) >= 2, 60, "clusters started")
        yield processes
    finally:
        for process in processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        for log in sorted(tmp_path.glob("qcluster-*.log")):
            print(f"--- {log.name} (last lines)\n" + "\n".join(log.read_text().splitlines()[-15:]))


def wait_until(condition, timeout: float, what: str, every: float = 0.2, tick=None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {what}")
        if tick:
            tick()
        time.sleep(every)


def start_cycle() -> object:
    """What the schedule does every minute, made due now: every source is due, poll leases."""
    mark = timezone.now()
    Source.objects.update(next_fetch_at=mark)
    poll()
    return mark


def all_fetched_since(mark) -> bool:
    return not Source.objects.exclude(last_fetched_at__gte=mark, lease_until__isnull=True).exists()


def assert_each_entry_once(cycle_entries: int) -> None:
    assert not (
        Post.objects.values("source", "identity").annotate(n=Count("id")).filter(n__gt=1).exists()
    )
    assert Post.objects.count() == SOURCES * cycle_entries


def test_two_clusters_fetch_each_source_once_and_survive_a_killed_one(feeds, clusters):
    partner = Partner.objects.create(name="Omroep Schaal", slug="omroep-schaal", trusted=True)
    Source.objects.bulk_create(
        Source(partner=partner, url=feeds.server.url(f"/f/{number}.xml"))
        for number in range(SOURCES)
    )

    for cycle in (1, 2, 3):
        feeds.cycle = cycle
        start = len(feeds.server.requests)
        started = time.monotonic()
        mark = start_cycle()
        wait_until(lambda mark=mark: all_fetched_since(mark), CYCLE_TIMEOUT, f"cycle {cycle}")
        requests = feeds.requests_since(start)
        assert len(requests) == SOURCES and set(requests.values()) == {1}, requests.most_common(3)
        assert_each_entry_once(feeds.entries)
        print(f"cycle {cycle}: {SOURCES} sources in {time.monotonic() - started:.1f} s")

    # Cycle 4: slow replies; one cluster is killed while it has fetches in flight.
    feeds.cycle, feeds.delay = 4, SLOW_REPLY
    start = len(feeds.server.requests)
    mark = start_cycle()
    wait_until(lambda: len(feeds.server.requests) - start >= SOURCES // 4, 60, "fetches begun")
    os.killpg(clusters[0].pid, signal.SIGKILL)
    killed_at = time.monotonic()
    wait_until(
        lambda: all_fetched_since(mark),
        CYCLE_TIMEOUT + LEASE_SECONDS,
        "the surviving cluster to finish the cycle",
        every=1,
        tick=poll,  # the schedule's poll: expired leases make the lost sources due again
    )
    requests = feeds.requests_since(start)
    retried = sorted(path for path, count in requests.items() if count > 1)
    assert len(requests) == SOURCES and max(requests.values()) <= 2
    assert retried, "the kill should have interrupted at least one fetch"
    logs = FetchLog.objects.filter(started_at__gte=mark)
    assert logs.count() == SOURCES and logs.values("source").distinct().count() == SOURCES
    assert_each_entry_once(feeds.entries)
    print(
        f"kill cycle: {len(retried)} interrupted fetches retried by the other cluster; "
        f"done {time.monotonic() - killed_at:.1f} s after the kill"
    )
