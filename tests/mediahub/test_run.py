"""`make run` as a developer uses it: PORT reaches the site's own links, Ctrl-C ends it quietly."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import closing
from pathlib import Path
from urllib.request import ProxyHandler, build_opener

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.slow

# Straight to the local server: urlopen's shared opener keeps whatever proxy the environment
# named when it was first used, even by another test.
open_url = build_opener(ProxyHandler({})).open


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until(condition: Callable[[], bool], process: subprocess.Popen, log: Path) -> None:
    """Waits for the condition while the run lives; a run that ends or hangs fails with its log."""
    deadline = time.monotonic() + 300
    while not condition():
        if process.poll() is not None or time.monotonic() > deadline:
            pytest.fail(log.read_text(errors="replace"))
        time.sleep(1)


def test_run_serves_on_its_port_and_ctrl_c_stops_it_quietly(tmp_path):
    port = free_port()
    database = tmp_path / "db.sqlite3"
    environ = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SITE_URL", "WAGTAILADMIN_BASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    }
    environ.update(
        DJANGO_SETTINGS_MODULE="mediahub.settings.dev",
        DATABASE_URL=f"sqlite:///{database}",
        MEDIA_ROOT=str(tmp_path / "media"),
        PORT=str(port),
    )
    log = tmp_path / "run.log"
    with log.open("wb") as output:
        # A session of its own, like a terminal's foreground job that Ctrl-C signals as a group.
        run = subprocess.Popen(
            [sys.executable, "bin/run.py"],
            cwd=ROOT,
            env=environ,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    site = f"http://127.0.0.1:{port}"

    def serving() -> bool:
        try:
            with open_url(f"{site}/healthz", timeout=5) as response:
                return response.status == 200
        except OSError:
            return False

    def demo_sources() -> list[tuple[str, str | None, str]]:
        with closing(sqlite3.connect(database)) as db:
            query = "SELECT url, last_success_at, last_error FROM feeds_source"
            return db.execute(query).fetchall()

    try:
        wait_until(serving, run, log)
        with open_url(f"{site}/feeds/wall.rss", timeout=10) as response:
            assert f"<link>{site}/muurkrant/</link>" in response.read().decode()
        # The queue worker fetches the demo's sources from the site itself, on this port.
        wait_until(lambda: all(fetched for _, fetched, _ in demo_sources()), run, log)
        assert demo_sources()
        assert all(url.startswith(f"{site}/static/") for url, _, _ in demo_sources())
        assert [error for _, _, error in demo_sources() if error] == []
    finally:
        os.killpg(run.pid, signal.SIGINT)
        status = run.wait(timeout=120)
    output = log.read_text(errors="replace")
    assert status == 0, output
    assert "Traceback" not in output and "Segmentation fault" not in output, output
    assert "has stopped" in output  # the queue worker stopped its workers itself
    assert not serving()
