"""The foundation as a resident and an operator see it: pages, health, language, settings."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django_q.conf import Conf

from mediahub.models import Partner
from muurkrant.models import Post

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_home_leads_to_the_wall(client):
    response = client.get("/")
    assert response.status_code == 200
    assert b'href="/muurkrant/"' in response.content


@pytest.mark.django_db
def test_wall_shows_published_posts_only(client, make_post):
    make_post(title="Zichtbaar nieuws")
    make_post(title="Wacht op moderatie", status=Post.Status.PENDING)
    make_post(title="Afgewezen bericht", status=Post.Status.REJECTED)
    response = client.get("/muurkrant/")
    assert response.status_code == 200
    assert "Zichtbaar nieuws" in response.text
    assert "Wacht op moderatie" not in response.text
    assert "Afgewezen bericht" not in response.text


@pytest.mark.django_db
def test_admin_login_is_served(client):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b'name="password"' in response.content


@pytest.mark.django_db
def test_dutch_is_the_default_whatever_the_browser_asks_until_a_resident_chooses(client):
    assert '<html lang="nl">' in client.get("/").text
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    assert '<html lang="nl">' in response.text
    assert response["Content-Language"] == "nl"
    assert "Accept-Language" not in response["Vary"]
    response = client.post("/taal/", {"language": "en", "next": "/muurkrant/"})
    assert response.status_code == 302
    assert '<html lang="en">' in client.get("/muurkrant/").text
    assert '<html lang="en">' in client.get("/", HTTP_ACCEPT_LANGUAGE="nl").text


@pytest.mark.django_db
def test_an_unknown_language_choice_falls_back_to_dutch(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="nl">' in client.get("/").text


@pytest.mark.django_db
def test_the_admin_follows_the_browser(client):
    response = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Content-Language"] == "en"
    assert "Sign in" in response.text


@pytest.mark.django_db
def test_feeds_and_the_api_answer_in_the_language_their_client_asks_for(client):
    assert client.get("/feeds/wall.rss?limit=0", HTTP_ACCEPT_LANGUAGE="en").text.startswith(
        "limit must be"
    )
    assert client.get("/api/v1/pool", HTTP_ACCEPT_LANGUAGE="en")["Content-Language"] == "en"


@pytest.mark.django_db
def test_healthz_tells_the_public_only_ok_or_error(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_gives_operators_the_details(client, settings, django_user_model):
    settings.HEALTH_TOKEN = "operator-token-1234567890"

    by_token = client.get("/healthz", HTTP_AUTHORIZATION="Bearer operator-token-1234567890")
    wrong = client.get("/healthz", HTTP_AUTHORIZATION="Bearer operator-token-0000000000")
    client.force_login(django_user_model.objects.create_user("beheer", is_staff=True))
    by_staff = client.get("/healthz")

    for response in (by_token, by_staff):
        body = response.json()
        assert body["status"] == "ok"
        assert body["checks"]["database"]["status"] == "ok"
        assert body["checks"]["queue"]["status"] == "ok"
    assert wrong.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_when_the_queue_broker_is_unreachable(client, monkeypatch, settings):
    settings.HEALTH_TOKEN = "operator-token-1234567890"
    # A Redis broker on a port where nothing listens: a real connection failure.
    monkeypatch.setattr(Conf, "ORM", None)
    monkeypatch.setattr(Conf, "REDIS", "redis://127.0.0.1:9/0")

    public = client.get("/healthz")
    response = client.get("/healthz", HTTP_AUTHORIZATION="Bearer operator-token-1234567890")

    assert (public.status_code, public.json()) == (503, {"status": "error"})
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["checks"]["queue"]["status"] == "error"
    assert body["checks"]["database"]["status"] == "ok"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/", "/muurkrant/", "/feeds/wall.rss", "/healthz", "/admin/login/", "/api/v1/wijken"]
)
def test_every_response_says_which_browser_features_it_never_uses(client, path):
    response = client.get(path)

    policy = response["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "browsing-topics=()"):
        assert feature in policy


@pytest.mark.django_db
def test_the_admin_loads_no_avatar_from_elsewhere(client, django_user_model):
    user = django_user_model.objects.create_superuser("beheer", "beheer@example.nl", "pw-beheer-1")
    client.force_login(user)

    page = client.get("/admin/").text

    assert "gravatar" not in page.lower()
    assert "beheer@example.nl" not in page


@pytest.mark.django_db
def test_add_partner_command(capsys):
    call_command("add_partner", "Omroep Oost", "--slug", "omroep-oost", "--trusted")
    partner = Partner.objects.get(slug="omroep-oost")
    assert partner.name == "Omroep Oost"
    assert partner.trusted
    assert "omroep-oost" in capsys.readouterr().out


@pytest.mark.django_db
@pytest.mark.parametrize("slug", ["omroep-oost", "Geen Slug!"])
def test_add_partner_refuses_duplicates_and_bad_slugs(slug):
    from django.core.management.base import CommandError

    Partner.objects.create(name="Omroep Oost", slug="omroep-oost")
    with pytest.raises(CommandError):
        call_command("add_partner", "Nog een", "--slug", slug)
    assert Partner.objects.count() == 1


@pytest.mark.django_db
def test_load_demo_is_idempotent_and_prints_logins(capsys, client):
    call_command("load_demo")
    counts = (Partner.objects.count(), Post.objects.count())
    call_command("load_demo")
    assert (Partner.objects.count(), Post.objects.count()) == counts
    assert counts[0] >= 3 and counts[1] >= 20
    on_wall = Post.objects.on_wall()
    assert {"article", "video", "audio"} <= set(on_wall.values_list("kind", flat=True))
    assert on_wall.filter(origin=Post.Origin.FEED).count() >= 10
    assert on_wall.filter(wijken__isnull=False).values("wijken").distinct().count() >= 4
    # Generated pictures for the demo's own posts only; feed posts show only what feeds carry.
    assert not on_wall.exclude(origin=Post.Origin.FEED).filter(image__isnull=True).exists()
    assert on_wall.filter(origin=Post.Origin.FEED, image__isnull=True).exists()
    assert Post.objects.filter(status=Post.Status.PENDING).exists()  # something to moderate
    out = capsys.readouterr().out
    assert "redactie" in out and "muurkrant-demo" in out
    # Through the login form: the lockout's backend needs the request, which client.login lacks.
    login = {"username": "redactie", "password": "muurkrant-demo"}
    assert client.post("/admin/login/", login).status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_load_demo_on_another_port_moves_its_sources_instead_of_adding_them(monkeypatch):
    from django.conf import settings

    from feeds.models import Source

    call_command("load_demo")
    # Not the settings fixture: load_demo reads the settings module's name, which it hides.
    monkeypatch.setattr(settings, "SITE_URL", "http://127.0.0.1:8100")
    call_command("load_demo")

    urls = list(Source.objects.values_list("url", flat=True))
    assert len(urls) == 4
    assert all(url.startswith("http://127.0.0.1:8100/static/feeds/demo/") for url in urls)


def run_django(settings_module: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    unset = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environ = {k: v for k, v in os.environ.items() if k not in unset}
    environ.update(env, DJANGO_SETTINGS_MODULE=settings_module)
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environ, capture_output=True, text=True
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = run_django("mediahub.settings.production", "check", ALLOWED_HOSTS="muurkrant.nl")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_production_passes_the_deployment_checklist():
    result = run_django(
        "mediahub.settings.production",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="x" * 20 + "production-secret-for-the-check-only-" + "y" * 20,
        ALLOWED_HOSTS="muurkrant.example.nl",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_settings_come_from_the_environment():
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.DATABASES['default']['ENGINE'], s.Q_CLUSTER.get('redis'), "
        "s.CACHES['default']['BACKEND'], s.LANGUAGE_CODE, s.TIME_ZONE]))"
    )
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "mediahub.settings.dev",
        "DATABASE_URL": "postgres://u:p@db.internal:5432/mh",
        "REDIS_URL": "redis://cache.internal:6379/1",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    engine, broker, cache, language, tz = json.loads(out.stdout)
    assert engine == "django.db.backends.postgresql"
    assert broker == "redis://cache.internal:6379/1"
    assert cache.endswith("RedisCache")
    assert (language, tz) == ("nl", "Europe/Amsterdam")
