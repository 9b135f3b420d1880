"""The measurements. Each returns plain numbers; run.py prepares the database and the processes.

Ratios are taken within one run, side by side, so that the noise of a shared machine cancels.
"""

import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.data import rss_feed
from bench.procs import ROOT, PeakMemory, free_port, start, stop, wait_for_http

INGEST_ENTRIES = 10_000
STORY_ENTRIES = 1_000
WALL_REPEATS = 15
WALL_PAGE = 1000
POOL_PAGE = 1000
SOURCES = 1000
CYCLE_LIMIT = 240  # seconds before a fetch cycle counts as stuck


def best_of(runs: int, work) -> float:
    """The fastest of a few runs: the one least disturbed by other load on the machine."""
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return min(timings)


def ingest() -> dict:
    """End-to-end ingest against bare feedparser on the same bytes, then the same feed again."""
    import feedparser

    from feeds.ingest import ingest_document
    from feeds.models import Source
    from feeds.tasks import index_posts
    from mediahub.models import Partner

    document = rss_feed("ingest", range(INGEST_ENTRIES))
    partner, _ = Partner.objects.get_or_create(
        slug="bench-ingest", defaults={"name": "Bench ingest", "trusted": True}
    )
    bare = best_of(2, lambda: feedparser.parse(document))
    firsts, agains, indexing = [], [], []
    for attempt in range(2):
        source = Source.objects.create(partner=partner, url=f"https://ingest.example/{attempt}")
        started = time.perf_counter()
        summary = ingest_document(source, document)
        firsts.append(time.perf_counter() - started)
        agains.append(best_of(3, lambda source=source: ingest_document(source, document)))
        # The search index is written by a queued task after the fetch (feeds.tasks.index_posts).
        indexing.append(best_of(1, lambda ids=summary.touched_post_ids: index_posts(ids)))
    first, again = min(firsts), min(agains)
    return {
        "index_items_per_s": round(INGEST_ENTRIES / min(indexing)),
        "ingest_items_per_s": round(INGEST_ENTRIES / first),
        "feedparser_items_per_s": round(INGEST_ENTRIES / bare),
        "ingest_ratio": round(bare / first, 3),
        "reingest_speedup": round(first / again, 1),
        "ingest_document_mb": round(len(document) / 1e6, 1),
    }


def stories(ingest_items_per_s: float) -> dict:
    """Grouping into stories on the way in, with the 20,000 posts of the ingest measure already
    grouped: its time per new post, as a share of a whole ingest's time per post."""
    from feeds.ingest import ingest_document
    from feeds.models import Source
    from mediahub.models import Partner
    from muurkrant.models import Post
    from muurkrant.stories import group_posts

    existing = Post.objects.count()
    document = rss_feed("stories", range(INGEST_ENTRIES, INGEST_ENTRIES + STORY_ENTRIES), seed=2)
    partner = Partner.objects.get(slug="bench-ingest")
    source = Source.objects.create(partner=partner, url="https://stories.example/feed")
    started = time.perf_counter()
    ingest_document(source, document)
    first = time.perf_counter() - started
    posts = list(Post.objects.filter(source=source))

    def regroup() -> None:
        for first_of_batch in range(0, len(posts), 500):
            group_posts(posts[first_of_batch : first_of_batch + 500])

    grouping = best_of(2, regroup)
    per_item = grouping / STORY_ENTRIES
    return {
        "story_existing_posts": existing,
        "story_grouping_ms_per_item": round(per_item * 1000, 3),
        "story_grouping_share": round(per_item * ingest_items_per_s, 3),
        "story_ingest_items_per_s": round(STORY_ENTRIES / first),
    }


def wall() -> dict:
    """Server time of the wall's first page and of page 1,000, reached by the older-cursor."""
    from django.test import Client

    from muurkrant.models import Post, WallPage
    from muurkrant.queries import encode_cursor

    per_page = WallPage.objects.get().posts_per_page
    client = Client()
    first = client.get("/muurkrant/")
    assert first.status_code == 200, first.status_code
    # Page 1,000 is what following "older" 999 times reaches: the cursor of page 999's last post.
    wall_order = Post.objects.on_wall().exclude(pinned_until__gt=time_now())
    page_one_last = wall_order[per_page - 1]
    assert f"before={encode_cursor(page_one_last)}" in first.text, "older link differs"
    cursor = encode_cursor(wall_order[(WALL_PAGE - 1) * per_page - 1])
    deep_url = f"/muurkrant/?before={cursor}"

    page1 = median_ms(client, "/muurkrant/")
    page1000 = median_ms(client, deep_url)
    # Take page 1 again after the deep page, so a slow moment does not skew one side alone.
    page1 = min(page1, median_ms(client, "/muurkrant/"))
    return {
        "wall_posts": Post.objects.count(),
        "wall_page1_ms": round(page1, 1),
        "wall_page1000_ms": round(page1000, 1),
        "wall_page1000_over_page1": round(page1000 / page1, 2),
    }


def median_ms(client, url: str, repeats: int = WALL_REPEATS, headers: dict | None = None) -> float:
    """Median server time of a page, in milliseconds, through Django's test client."""
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        response = client.get(url, headers=headers)
        timings.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(timings) * 1000


def pool() -> dict:
    """The admin's Pool as a partner user sees it (50 rows a page, the visibility rule, the
    filters), against the wall's first page measured alongside: page 1, page 1,000 and one
    partner's posts. Search is left out: the bulk-made posts have no search rows."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.test import Client

    from mediahub.models import Membership, Partner
    from mediahub.roles import PARTNERS

    user, _ = get_user_model().objects.get_or_create(username="bench-pool")
    user.groups.add(Group.objects.get(name=PARTNERS))
    own, other = Partner.objects.get(slug="omroep-0"), Partner.objects.get(slug="omroep-1")
    Membership.objects.get_or_create(user=user, partner=own)
    admin, resident = Client(), Client()
    admin.force_login(user)
    first = admin.get("/admin/pool/")
    assert first.status_code == 200 and b"/take-over/" in first.content, first.status_code
    wall_page1 = median_ms(resident, "/muurkrant/")
    page1 = median_ms(admin, "/admin/pool/")
    deep = median_ms(admin, f"/admin/pool/?p={POOL_PAGE}")
    partner = median_ms(admin, f"/admin/pool/?partner={other.pk}")
    wall_page1 = min(wall_page1, median_ms(resident, "/muurkrant/"))
    return {
        "pool_page1_ms": round(page1, 1),
        "pool_page1000_ms": round(deep, 1),
        "pool_partner_ms": round(partner, 1),
        "pool_page1_over_wall_page1": round(page1 / wall_page1, 2),
        "pool_page1000_over_page1": round(deep / page1, 2),
        "pool_partner_over_page1": round(partner / page1, 2),
    }


# A common word inside compounds, a Dutch word form, two words, and a word no post holds (the
# whole column read, the worst case).
SEARCHES = {"part": "brug", "form": "fietsers", "two_words": "haven brug", "none": "qwxyz"}


def search() -> dict:
    """The wall searched on the same 100,000 posts, each query against the wall's first page.

    Both as a visitor with a cookie, whom the page cache does not serve: searching is measured,
    not the cache."""
    from django.test import Client

    client = Client()
    client.cookies["bench"] = "uncached"
    wall_page1 = median_ms(client, "/muurkrant/")
    timings = {name: median_ms(client, f"/muurkrant/?q={q}") for name, q in SEARCHES.items()}
    wall_page1 = min(wall_page1, median_ms(client, "/muurkrant/"))
    results = {f"search_{name}_ms": round(ms, 1) for name, ms in timings.items()}
    results["search_over_wall_page1"] = round(max(timings.values()) / wall_page1, 2)
    return results


BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"


def reading() -> dict:
    """A post page that counts a read against the same page fetched as a prefetch (not counted):
    the difference is the counter's write."""
    from django.test import Client

    from muurkrant.models import Post, PostReadCount

    client = Client(headers={"User-Agent": BROWSER})
    url = Post.objects.on_wall().first().get_absolute_url()
    prefetch = {"Sec-Purpose": "prefetch"}
    before = PostReadCount.objects.count()
    client.get(url)  # the day's first read inserts the row; the rest update it
    repeats = WALL_REPEATS * 2
    uncounted = median_ms(client, url, repeats, prefetch)
    counted = median_ms(client, url, repeats)
    uncounted = min(uncounted, median_ms(client, url, repeats, prefetch))
    assert PostReadCount.objects.count() == before + 1, "reads were not counted"
    return {
        "post_page_ms": round(counted, 1),
        "post_page_uncounted_ms": round(uncounted, 1),
        "post_read_overhead": round(counted / uncounted, 2),
    }


def time_now():
    from django.utils import timezone

    return timezone.now()


class _FeedServer(ThreadingHTTPServer):
    daemon_threads = True
    requests = 0


class _FeedHandler(BaseHTTPRequestHandler):
    """Source n answers 304 to its stored ETag unless n is a multiple of 10 (new items)."""

    protocol_version = "HTTP/1.1"
    server: _FeedServer

    def do_GET(self) -> None:
        self.server.requests += 1
        number = int(re.sub(r"\D", "", self.path) or 0)
        if number % 10 and self.headers.get("If-None-Match") == '"v1"':
            self.send_response(304)
            self.send_header("ETag", '"v1"')
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        body = rss_feed(f"s{number}", range(5), seed=number)
        self.send_response(200)
        self.send_header("Content-Type", "application/rss+xml")
        self.send_header("ETag", '"v2"')
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        pass


def fetch_cycle(env: dict[str, str], logs: Path) -> dict:
    """One cycle over 1,000 sources by one real qcluster: schedule → poll → fetch tasks → done."""
    from django.utils import timezone
    from django_q.models import Schedule

    from feeds.models import FetchLog, Source
    from feeds.tasks import POLL_SCHEDULE
    from mediahub.models import Partner

    server = _FeedServer(("127.0.0.1", free_port()), _FeedHandler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    partner, _ = Partner.objects.get_or_create(slug="bench-feeds", defaults={"name": "Feeds"})
    later = timezone.now() + timedelta(days=1)
    Source.objects.bulk_create(
        Source(
            partner=partner,
            url=f"http://127.0.0.1:{server.server_address[1]}/s/{number}.xml",
            etag='"v1"',
            next_fetch_at=later,
        )
        for number in range(SOURCES)
    )
    cluster = start([sys.executable, "manage.py", "qcluster"], env, logs / "qcluster.log")
    memory = PeakMemory(cluster.pid)
    try:
        time.sleep(3)  # let the cluster start its workers before anything is due
        mark, marked = timezone.now(), time.monotonic()
        Source.objects.filter(partner=partner).update(next_fetch_at=mark)
        Schedule.objects.filter(name=POLL_SCHEDULE).update(next_run=mark)
        ours = Source.objects.filter(partner=partner)
        done = ours.filter(last_fetched_at__gte=mark, lease_until__isnull=True)
        # The poll task's first lease marks the start of the cycle (its own record may be
        # pruned by save_limit before the cycle ends).
        deadline = time.monotonic() + CYCLE_LIMIT
        claimed = None
        while claimed is None and time.monotonic() < deadline:
            if ours.filter(lease_until__isnull=False).exists() or done.exists():
                claimed = time.monotonic()
            time.sleep(0.1)
        while done.count() < SOURCES and time.monotonic() < deadline:
            time.sleep(0.2)
        finished = time.monotonic()
        fetched = done.count()
    finally:
        peak_mb = memory.stop()
        stop(cluster)
        server.shutdown()
    logs_after = FetchLog.objects.filter(source__partner=partner, started_at__gte=mark)
    complete = claimed is not None and fetched == SOURCES
    return {
        "fetch_cycle_1000_s": round(finished - claimed, 1) if complete else None,
        "fetch_cycle_sources_done": fetched,
        "fetch_cycle_requests": server.requests,
        "fetch_cycle_not_modified": logs_after.filter(outcome="not_modified").count(),
        "schedule_pickup_s": round(claimed - marked, 1) if claimed else None,
        "qcluster_peak_rss_mb": peak_mb,
    }


def _load(url: str, headers: dict[str, str], seconds: int) -> float:
    """Requests per second from a separate process with keep-alive connections: wrk when
    installed, else bench/load.py."""
    if shutil.which("wrk"):
        args = ["wrk", "-t1", "-c4", f"-d{seconds}s"]
        for name, value in headers.items():
            args += ["-H", f"{name}: {value}"]
        args.append(url)
    else:
        args = [sys.executable, "bench/load.py", url, str(seconds), "4"]
        args += [f"{name}: {value}" for name, value in headers.items()]
    output = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    failed = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if failed:
        raise RuntimeError(f"{url}: {failed.group(1)} failed responses")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))


def _fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, headers=headers or {})  # noqa: S310 - loopback only
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            response.read()
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers)


def http(env: dict[str, str], logs: Path, seconds: int = 5) -> dict:
    """/healthz against the cached wall feed and its 304s, on gunicorn with the deploy config."""
    port = free_port()
    server_env = {**env, "PORT": str(port), "WEB_CONCURRENCY": "2"}
    gunicorn = start(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "mediahub.wsgi"],
        server_env,
        logs / "gunicorn.log",
    )
    base = f"http://127.0.0.1:{port}"
    results: dict = {"feed_vs_healthz": None, "not_modified_vs_healthz": None}
    try:
        wait_for_http(base + "/healthz")
        _load(base + "/healthz", {}, 1)  # warm both workers
        healthz = _load(base + "/healthz", {}, seconds)
        results["healthz_rps"] = round(healthz)
        status, headers = _fetch(base + "/feeds/wall.rss")
        results["feed_status"] = status
        if status == 200:
            feed = _load(base + "/feeds/wall.rss", {}, seconds)
            results["feed_rps"] = round(feed)
            results["feed_vs_healthz"] = round(feed / healthz, 2)
            etag = headers.get("ETag")
            if etag and _fetch(base + "/feeds/wall.rss", {"If-None-Match": etag})[0] == 304:
                not_modified = _load(base + "/feeds/wall.rss", {"If-None-Match": etag}, seconds)
                results["not_modified_rps"] = round(not_modified)
                results["not_modified_vs_healthz"] = round(not_modified / healthz, 2)
    finally:
        stop(gunicorn)
    return results


def machine() -> dict:
    """Where the numbers came from."""
    model = ""
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        model = found.group(1).strip() if found else ""
    import os
    import platform

    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "load_before": round(os.getloadavg()[0], 2),
    }
