"""The API's rate limit holds for any span of API_RATE_WINDOW seconds and across web processes."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.request import ProxyHandler, Request, build_opener

import pytest

from muurkrant.api import auth
from muurkrant.models import PartnerToken
from tests.factories import PartnerUserFactory

ROOT = Path(__file__).resolve().parents[2]
LIMIT = 10
WINDOW = 60.0
EDGE = 1_800_000_000.0  # a whole minute: a fixed window would start afresh here

# Straight to the local servers, whatever proxy the environment names.
open_url = build_opener(ProxyHandler({})).open


class Clock:
    """The rate limiter's clock, set by the test instead of waiting."""

    def __init__(self) -> None:
        self.now = EDGE

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch, settings) -> Clock:
    settings.API_RATE_LIMIT = LIMIT
    settings.API_RATE_WINDOW = WINDOW
    clock = Clock()
    monkeypatch.setattr(auth, "time", clock)
    return clock


@pytest.fixture
def call_at(client, clock, partner) -> Callable[[float], object]:
    """GET /api/v1/posts with one token at a moment of the test's choosing."""
    user = PartnerUserFactory(partner=partner)
    _, plaintext = PartnerToken.objects.issue(user=user, partner=partner, name="rate")

    def call(moment: float):
        clock.now = moment
        return client.get("/api/v1/posts", HTTP_AUTHORIZATION=f"Bearer {plaintext}")

    return call


def most_in_any_window(moments: list[float]) -> int:
    """The largest number of the moments that fall within one span of WINDOW seconds."""
    return max(sum(1 for other in moments if start <= other < start + WINDOW) for start in moments)


@pytest.mark.django_db
def test_twice_the_limit_straddling_a_minute_boundary_lets_only_the_limit_through(call_at):
    moments = [EDGE - 1 + i * 0.1 for i in range(2 * LIMIT)]  # 2 s around the boundary

    passed = [moment for moment in moments if call_at(moment).status_code == 200]

    assert len(passed) == LIMIT
    assert most_in_any_window(passed) <= LIMIT


@pytest.mark.django_db
def test_no_span_of_the_window_ever_holds_more_than_the_limit(call_at):
    # Bursts and pauses over five windows, each burst at a different point of the window.
    moments = sorted(
        EDGE + start + i * 0.5
        for start in (-55.0, -3.0, 29.0, 58.5, 95.0, 170.0, 200.0)
        for i in range(LIMIT)
    )

    passed = [moment for moment in moments if call_at(moment).status_code == 200]

    assert most_in_any_window(passed) <= LIMIT
    assert len(passed) >= 3 * LIMIT  # refusing too much would pass the check above too


@pytest.mark.django_db
def test_a_steady_rate_under_the_limit_is_never_refused(call_at):
    interval = WINDOW / (LIMIT * 0.8)
    statuses = {call_at(EDGE + i * interval).status_code for i in range(5 * LIMIT)}

    assert statuses == {200}


@pytest.mark.django_db
def test_retry_after_names_the_moment_a_request_passes_again(call_at):
    for i in range(LIMIT):
        assert call_at(EDGE + 20 + i).status_code == 200
    refused_at = EDGE + 20 + LIMIT
    refused = call_at(refused_at)
    assert refused.status_code == 429
    retry_after = int(refused["Retry-After"])
    assert 1 <= retry_after <= WINDOW * (1 + 1 / auth.RATE_BUCKETS)

    assert call_at(refused_at + retry_after - 1).status_code == 429
    assert call_at(refused_at + retry_after).status_code == 200


# --- two web processes -------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def manage(*args: str, env: dict[str, str]) -> str:
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def get(url: str, token: str) -> tuple[int, dict[str, str]]:
    request = Request(url, headers={"Authorization": f"Bearer {token}"})
    try:
        with open_url(request, timeout=30) as response:
            return response.status, dict(response.headers)
    except HTTPError as error:
        return error.code, dict(error.headers)


def wait_until_serving(url: str, process: subprocess.Popen, log: Path) -> None:
    """Waits while the server starts; one that ends or never answers fails with its log."""
    deadline = time.monotonic() + 120
    while True:
        try:
            with open_url(url, timeout=5):
                return
        except HTTPError:
            return  # it answers
        except (URLError, OSError):
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(log.read_text(errors="replace"))
            time.sleep(0.5)


@pytest.mark.slow
def test_two_web_processes_share_one_limit(tmp_path):
    """Two servers on one database and one cache (Redis when REDIS_URL is set, else files)."""
    limit = 6
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env.update(
        DJANGO_SETTINGS_MODULE="mediahub.settings.test",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        TEST_CACHE_DIR=str(tmp_path / "cache"),
        API_RATE_LIMIT=str(limit),
        API_RATE_WINDOW="3600",  # nothing leaves the window while the test runs
    )
    manage("migrate", "--noinput", env=env)
    manage("add_partner", "Omroep Twee", "--slug", "omroep-twee", "--trusted", env=env)
    token = manage("create_api_token", "--partner", "omroep-twee", env=env).splitlines()[-1]

    servers = []
    try:
        for number in (1, 2):
            port = free_port()
            log = tmp_path / f"server{number}.log"
            with log.open("wb") as output:
                process = subprocess.Popen(
                    [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
                    cwd=ROOT,
                    env=env,
                    stdout=output,
                    stderr=subprocess.STDOUT,
                )
            servers.append((f"http://127.0.0.1:{port}", process))
            wait_until_serving(f"http://127.0.0.1:{port}/api/v1/openapi.json", process, log)

        answers = [
            (base, *get(f"{base}/api/v1/posts", token))
            for _ in range(limit)
            for base, _ in servers  # alternately: each server alone would let `limit` through
        ]
    finally:
        for _, process in servers:
            process.terminate()
            process.wait(timeout=30)

    statuses = [status for _, status, _ in answers]
    assert statuses == [200] * limit + [429] * limit
    assert {base for base, status, _ in answers if status == 200} == {base for base, _ in servers}
    # A request counts until its whole bucket has left the window: at most a bucket longer.
    longest = 3600 * (1 + 1 / auth.RATE_BUCKETS)
    retry_after = [int(headers["Retry-After"]) for _, status, headers in answers if status == 429]
    assert all(1 <= seconds <= longest for seconds in retry_after), retry_after
