"""The site's own error pages, in Dutch and English, and its favicon."""

from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client
from django.urls import path

from mediahub.urls import urlpatterns as site_urlpatterns


def broken_view(request):
    raise RuntimeError("a view that fails")


urlpatterns = [path("stuk/", broken_view), *site_urlpatterns]


@pytest.mark.django_db
def test_a_missing_page_is_the_sites_own_404_in_dutch(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert '<html lang="nl">' in response.text
    assert "Pagina niet gevonden" in response.text
    assert 'href="/muurkrant/"' in response.text  # the site's own header, with the way back


@pytest.mark.django_db
def test_a_missing_page_is_in_english_for_a_resident_who_chose_english(client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/muurkrant/bestaat-niet/")
    assert response.status_code == 404
    assert '<html lang="en">' in response.text
    assert "Page not found" in response.text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading"), [("nl", "Er ging iets mis"), ("en", "Something went wrong")]
)
def test_a_failing_view_gives_the_sites_own_500(settings, language, heading):
    settings.ROOT_URLCONF = __name__
    settings.DEBUG = False
    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/stuk/")
    assert response.status_code == 500
    assert f'<html lang="{language}">' in response.text
    assert heading in response.text


@pytest.mark.django_db
def test_the_favicon_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert response["Location"] == static("mediahub/favicon.svg")
    assert b"<svg" in Path(finders.find("mediahub/favicon.svg")).read_bytes()


@pytest.mark.django_db
def test_every_page_links_its_icon(client):
    icon = client.get("/").text
    assert '<link rel="icon" href="/static/mediahub/favicon.svg" type="image/svg+xml">' in icon
