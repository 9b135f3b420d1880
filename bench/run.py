"""`make bench`: build throwaway data, run every measurement in one go, print the table and
write bench/results.json.

Runs on a fresh SQLite file in a temporary directory, with Redis as cache and queue broker when
`redis-server` is installed (the ORM broker otherwise), DEBUG off (bench/settings.py).
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import measure  # noqa: E402
from bench.data import make_posts  # noqa: E402
from bench.procs import free_port, start, stop  # noqa: E402

POSTS = 100_000
# (key, label, target: ("min" | "max", bound) or None)
TABLE = [
    ("ingest_ratio", "ingest items/s ÷ bare feedparser items/s", ("min", 0.5)),
    ("reingest_speedup", "first ingest ÷ same feed again", ("min", 10)),
    (
        "ingest_cmd_ratio",
        "manage.py ingest_file items/s, process start included ÷ bare feedparser, 1,000 entries",
        ("min", 0.45),
    ),
    ("ingest_cmd_cpu_ratio", "the same in CPU time, less disturbed by other load", None),
    ("ingest_5000_peak_mb", "manage.py ingest_file peak memory, 5,000 entries (MB)", ("max", 150)),
    (
        "story_grouping_share",
        "story grouping per item ÷ whole ingest per item, 20,000 posts",
        ("max", 0.3),
    ),
    ("fetch_cycle_1000_s", "fetch cycle, 1,000 sources, one qcluster (s)", ("max", 60)),
    (
        "cycle_vs_floor",
        "qcluster cycle, 1,000 unchanged sources ÷ bare loop of conditional GETs (sources/s)",
        ("min", 0.15),
    ),
    ("wall_page1_ms", "wall page 1 rendered, 100,000 posts (ms, median)", ("max", 15)),
    ("wall_page1000_over_page1", "wall page 1,000 ÷ page 1", ("max", 2)),
    ("search_over_wall_page1", "slowest wall search ÷ wall page 1, 100,000 posts", ("max", 5)),
    ("pool_page1_over_wall_page1", "admin Pool page 1 (50 rows) ÷ wall page 1", ("max", 4)),
    ("pool_page1000_over_page1", "admin Pool page 1,000 ÷ Pool page 1", ("max", 2)),
    ("pool_partner_over_page1", "admin Pool, one partner ÷ Pool page 1", ("max", 2)),
    ("post_read_overhead", "post page counting a read ÷ same page uncounted", ("max", 1.15)),
    ("wall_vs_trivial", "/muurkrant/ ÷ /robots.txt (req/s)", ("min", 0.5)),
    ("post_vs_trivial", "a post page ÷ /robots.txt (req/s)", ("min", 0.5)),
    ("feed_vs_trivial", "cached /feeds/wall.rss ÷ /robots.txt (req/s)", ("min", 0.8)),
    ("not_modified_vs_trivial", "304 /feeds/wall.rss ÷ /robots.txt (req/s)", ("min", 1.0)),
    ("qcluster_pss_mb", "qcluster peak proportional memory, all processes (MB)", ("max", 150)),
]


def verdict(value, target) -> str:
    if target is None:
        return ""
    if value is None:
        return "not measured"
    kind, bound = target
    ok = value >= bound if kind == "min" else value <= bound
    return f"{'ok' if ok else 'MISSED'} ({'≥' if kind == 'min' else '≤'} {bound})"


def table(results: dict) -> str:
    lines = ["| measure | value | target |", "| --- | ---: | --- |"]
    for key, label, target in TABLE:
        value = results.get(key)
        shown = "—" if value is None else value
        lines.append(f"| {label} (`{key}`) | {shown} | {verdict(value, target)} |")
    return "\n".join(lines)


def main() -> int:
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="mediahub-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"sqlite:///{work / 'bench.sqlite3'}",
        "MEDIA_ROOT": str(work / "media"),
        "STATIC_ROOT": str(work / "static"),
        "PYTHONPATH": str(ROOT),
        "Q_WORKERS": "2",
    }
    env.pop("REDIS_URL", None)
    (work / "static").mkdir()
    redis = None
    if shutil.which("redis-server"):
        port = free_port()
        redis = start(
            ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", ""],
            env,
            work / "redis.log",
        )
        env["REDIS_URL"] = f"redis://127.0.0.1:{port}/0"
    os.environ.update(env)
    results: dict = {"machine": measure.machine()}
    try:
        print("migrating a fresh database…", flush=True)
        migrate = [sys.executable, "manage.py", "migrate", "--noinput", "-v0"]
        subprocess.run(migrate, cwd=ROOT, env=env, check=True)
        import django

        django.setup()
        print("ingest command…", flush=True)
        results.update(measure.ingest_command(env, work))
        print("ingest…", flush=True)
        results.update(measure.ingest())
        print("stories…", flush=True)
        results.update(measure.stories(results["ingest_items_per_s"]))
        print(f"building {POSTS:,} posts…", flush=True)
        make_posts(POSTS)
        print("wall…", flush=True)
        results.update(measure.wall())
        print("search…", flush=True)
        results.update(measure.search())
        print("pool…", flush=True)
        results.update(measure.pool())
        print("reading counters…", flush=True)
        results.update(measure.reading())
        print("fetch cycle…", flush=True)
        results.update(measure.fetch_cycle(env, work))
        print("HTTP load…", flush=True)
        results.update(measure.http(env, work))
    finally:
        if redis:
            stop(redis)
    results["broker"] = "redis" if redis else "orm"
    results["database"] = "sqlite"
    results["seconds"] = round(time.monotonic() - started)
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    print()
    print(table(results))
    print(f"\nbroker {results['broker']}, {results['seconds']} s; logs in {work}")
    shutil.rmtree(work / "media", ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
