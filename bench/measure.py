"""The measurements. Each returns plain numbers; run.py prepares the database and the processes.

Ratios are taken within one run, side by side, so that the noise of a shared machine cancels.
"""

import os
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from datetime import timedelta
from http.client import HTTPConnection
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.data import rss_feed
from bench.procs import ROOT, PeakMemory, free_port, start, stop, wait_for_http

INGEST_ENTRIES = 10_000
INGEST_COMMAND_ENTRIES = 1_000
INGEST_PEAK_ENTRIES = 5_000
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
    from mediahub.models import Partner

    document = rss_feed("ingest", range(INGEST_ENTRIES))
    partner, _ = Partner.objects.get_or_create(
        slug="bench-ingest", defaults={"name": "Bench ingest", "trusted": True}
    )
    bare = best_of(2, lambda: feedparser.parse(document))
    firsts, agains = [], []
    for attempt in range(2):
        source = Source.objects.create(partner=partner, url=f"https://ingest.example/{attempt}")
        started = time.perf_counter()
        ingest_document(source, document)
        firsts.append(time.perf_counter() - started)
        agains.append(best_of(3, lambda source=source: ingest_document(source, document)))
    first, again = min(firsts), min(agains)
    return {
        "ingest_items_per_s": round(INGEST_ENTRIES / first),
        "feedparser_items_per_s": round(INGEST_ENTRIES / bare),
        "ingest_ratio": round(bare / first, 3),
        "reingest_speedup": round(first / again, 1),
        "ingest_document_mb": round(len(document) / 1e6, 1),
    }


def ingest_command(env: dict[str, str], work: Path) -> dict:
    """`manage.py ingest_file` as an operator runs it, process start included, against bare
    `feedparser.parse` of the same bytes; and the command's peak memory on a larger feed.

    Each run imports a feed of its own (its own seed), as a new broadcaster's would be: the
    same articles again would measure story grouping of exact copies instead."""
    import feedparser

    from feeds.models import Source
    from mediahub.models import Partner

    partner, _ = Partner.objects.get_or_create(
        slug="bench-ingest", defaults={"name": "Bench ingest", "trusted": True}
    )

    def run(name: str, entries: int, seed: int) -> tuple[float, float, float, float, int]:
        """Seconds of bare feedparser and of ingest_file, wall clock then CPU, and the command's
        peak resident memory (KiB)."""
        document = rss_feed(f"{name}{seed}", range(entries), seed=seed)
        path = work / f"{name}{seed}.xml"
        path.write_bytes(document)
        bare = best_of(2, lambda: feedparser.parse(document))
        cpu_started = time.process_time()
        feedparser.parse(document)
        bare_cpu = time.process_time() - cpu_started
        source = Source.objects.create(partner=partner, url=f"https://{name}.example/{seed}")
        args = [sys.executable, "manage.py", "ingest_file", str(path), "--source", source.url]
        started = time.perf_counter()
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        assert process.returncode == 0, f"ingest_file exited with {process.returncode}"
        return bare, seconds, bare_cpu, usage.ru_utime + usage.ru_stime, usage.ru_maxrss

    runs = [run("command", INGEST_COMMAND_ENTRIES, seed) for seed in (11, 12, 13)]
    bare, command, *_rest = max(runs, key=lambda timed: timed[0] / timed[1])
    # CPU time is what the load of a shared machine disturbs least.
    bare_cpu, command_cpu = max(((r[2], r[3]) for r in runs), key=lambda cpu: cpu[0] / cpu[1])
    peak_kib = min(run("peak", INGEST_PEAK_ENTRIES, seed)[4] for seed in (21, 22))
    return {
        "ingest_cmd_items_per_s": round(INGEST_COMMAND_ENTRIES / command),
        "ingest_cmd_ratio": round(bare / command, 3),
        "ingest_cmd_cpu_ratio": round(bare_cpu / command_cpu, 3),
        "ingest_5000_peak_mb": round(peak_kib / 1024, 1),
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


def uncached_client():
    """A resident whom the page cache does not serve (a cookie of their own): the time is the
    server's rendering the page, not its reading the cache."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.cookies[settings.CSRF_COOKIE_NAME] = "b" * 32
    return client


def wall() -> dict:
    """Server time of the wall's first page and of page 1,000, reached by the older-cursor,
    both rendered (not from the page cache)."""
    from mediahub.models import routed_pages
    from muurkrant.models import Post, WallPage
    from muurkrant.queries import encode_cursor

    per_page = routed_pages(WallPage.objects.all()).get().posts_per_page
    client = uncached_client()
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
    admin, resident = Client(), uncached_client()
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
    """The wall searched on the same 100,000 posts, each query against the wall's first page,
    all rendered (not from the page cache)."""
    client = uncached_client()
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
    """Source n answers 304 to its stored ETag "v1" unless n is a multiple of 10 (new items,
    ETag "v2"); those answer 304 to "v2" afterwards, so the next cycle finds nothing new."""

    protocol_version = "HTTP/1.1"
    server: _FeedServer

    def do_GET(self) -> None:
        self.server.requests += 1
        number = int(re.sub(r"\D", "", self.path) or 0)
        current = '"v1"' if number % 10 else '"v2"'
        if self.headers.get("If-None-Match") == current:
            self.send_response(304)
            self.send_header("ETag", current)
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


def _floor(port: int, etags: dict[int, str]) -> float:
    """Seconds of a bare loop making the cycle's conditional GETs, a new connection each."""
    started = time.perf_counter()
    for number, etag in etags.items():
        conn = HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", f"/s/{number}.xml", headers={"If-None-Match": etag})
        conn.getresponse().read()
        conn.close()
    return time.perf_counter() - started


def _wait_done(sources, mark, deadline: float) -> int:
    done = sources.filter(last_fetched_at__gte=mark, lease_until__isnull=True)
    while done.count() < SOURCES and time.monotonic() < deadline:
        time.sleep(0.1)
    return done.count()


def fetch_cycle(env: dict[str, str], logs: Path) -> dict:
    """Two cycles over 1,000 sources by one real qcluster. The first as scheduled: schedule →
    poll → fetch tasks → done, with 10 % of the feeds changed. The second with every feed
    unchanged, started by poll at once, against a bare loop of the same conditional GETs."""
    from django.utils import timezone
    from django_q.models import Schedule

    from feeds.models import FetchLog, Source
    from feeds.tasks import POLL_SCHEDULE, poll
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
        fetched = _wait_done(ours, mark, deadline)
        finished, cycle_requests = time.monotonic(), server.requests
        logs = FetchLog.objects.filter(source__partner=partner, started_at__gte=mark)
        not_modified = logs.filter(outcome="not_modified").count()
        # The unchanged cycle: poll from here (the scheduler's pickup is measured above).
        etags = {
            int(url.rsplit("/", 1)[1].removesuffix(".xml")): etag
            for url, etag in ours.values_list("url", "etag")
        }
        floor = min(_floor(server.server_address[1], etags) for _ in range(2))
        unchanged_mark = timezone.now()
        ours.update(next_fetch_at=unchanged_mark)
        unchanged_started = time.monotonic()
        poll()
        unchanged_fetched = _wait_done(ours, unchanged_mark, time.monotonic() + CYCLE_LIMIT)
        unchanged_s = time.monotonic() - unchanged_started
    finally:
        peak_mb = memory.stop()
        stop(cluster)
        server.shutdown()
    complete = claimed is not None and fetched == SOURCES
    unchanged_complete = unchanged_fetched == SOURCES
    return {
        "fetch_cycle_1000_s": round(finished - claimed, 1) if complete else None,
        "fetch_cycle_sources_done": fetched,
        "fetch_cycle_requests": cycle_requests,
        "fetch_cycle_not_modified": not_modified,
        "schedule_pickup_s": round(claimed - marked, 1) if claimed else None,
        "unchanged_cycle_per_s": round(SOURCES / unchanged_s) if unchanged_complete else None,
        "floor_sources_per_s": round(SOURCES / floor),
        "cycle_vs_floor": round(floor / unchanged_s, 3) if unchanged_complete else None,
        "qcluster_peak_rss_mb": peak_mb,
        "qcluster_pss_mb": memory.pss_mb,
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
    """Requests/s of the public pages anonymous residents read (the wall's first page, a post,
    the cached wall feed and its 304s) against /robots.txt, a trivial Django view through the
    same middleware, on gunicorn with the deploy config."""
    from muurkrant.models import Post

    port = free_port()
    server_env = {**env, "PORT": str(port), "WEB_CONCURRENCY": "2"}
    gunicorn = start(
        [sys.executable, "-m", "gunicorn", "-c", "deploy/gunicorn.conf.py", "mediahub.wsgi"],
        server_env,
        logs / "gunicorn.log",
    )
    base = f"http://127.0.0.1:{port}"
    post_path = Post.objects.on_wall().first().get_absolute_url()
    results: dict = dict.fromkeys(
        ("wall_vs_trivial", "post_vs_trivial", "feed_vs_trivial", "not_modified_vs_trivial")
    )
    try:
        wait_for_http(base + "/robots.txt")
        _load(base + "/robots.txt", {}, 1)  # warm both workers
        trivial = _load(base + "/robots.txt", {}, seconds)
        results["trivial_rps"] = round(trivial)
        for key, path in (("wall", "/muurkrant/"), ("post", post_path)):
            status, _ = _fetch(base + path)
            assert status == 200, (path, status)
            rate = _load(base + path, {}, seconds)
            results[f"{key}_rps"] = round(rate)
            results[f"{key}_vs_trivial"] = round(rate / trivial, 2)
        status, headers = _fetch(base + "/feeds/wall.rss")
        results["feed_status"] = status
        if status == 200:
            feed = _load(base + "/feeds/wall.rss", {}, seconds)
            results["feed_rps"] = round(feed)
            results["feed_vs_trivial"] = round(feed / trivial, 2)
            etag = headers.get("ETag")
            if etag and _fetch(base + "/feeds/wall.rss", {"If-None-Match": etag})[0] == 304:
                not_modified = _load(base + "/feeds/wall.rss", {"If-None-Match": etag}, seconds)
                results["not_modified_rps"] = round(not_modified)
                results["not_modified_vs_trivial"] = round(not_modified / trivial, 2)
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
