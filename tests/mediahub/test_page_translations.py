"""The site's pages in both languages: the Dutch tree routes, and an English reader gets the
English translation's text at the same address."""

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from wagtail.models import Locale, Page, Site
from wagtail.test.utils.form_data import rich_text

from mediahub.models import AboutPage, AccessibilityPage, HomePage, PrivacyPage
from muurkrant.models import WallPage

pytestmark = pytest.mark.django_db

PAGE_TYPES = [HomePage, WallPage, AboutPage, PrivacyPage, AccessibilityPage]
# What each starting page says in each language: one phrase of its intro or text.
STARTING_TEXT = {
    ("/", "nl"): "Het nieuws van de lokale omroepen",
    ("/", "en"): "The news of the city’s local broadcasters",
    ("/muurkrant/", "nl"): "Alle berichten van de lokale partners",
    ("/muurkrant/", "en"): "All posts from the local partners",
    ("/over/", "nl"): "Wie maakt dit?",
    ("/over/", "en"): "Who runs this?",
}


def get(client, url: str, language: str | None = None):
    """The page as a resident who chose `language` with the switch (or chose nothing)."""
    if language is None:
        client.cookies.pop(settings.LANGUAGE_COOKIE_NAME, None)
    else:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return response


def english(model):
    return model.objects.get(locale__language_code="en")


@pytest.mark.parametrize(("url", "language"), list(STARTING_TEXT))
def test_each_reader_gets_the_pages_text_in_their_language(client, url, language):
    response = get(client, url, language)
    assert f'<html lang="{language}">' in response.text
    assert STARTING_TEXT[url, language] in response.text
    other = "en" if language == "nl" else "nl"
    assert STARTING_TEXT[url, other] not in response.text


def test_a_browser_asking_for_english_still_reads_dutch_until_the_resident_chooses(client):
    response = get(client, "/")
    assert '<html lang="nl">' in response.text
    assert STARTING_TEXT["/", "nl"] in response.text


def test_an_editors_change_to_the_english_version_shows_to_english_readers_only(client):
    home = english(HomePage)
    home.intro = "<p>Welcome to the neighbourhood news.</p>"
    home.save_revision().publish()
    wall = english(WallPage)
    wall.title = "The wall"
    wall.save_revision().publish()

    assert "Welcome to the neighbourhood news." in get(client, "/", "en").text
    assert "Welcome to the neighbourhood news." not in get(client, "/", "nl").text
    h1 = BeautifulSoup(get(client, "/muurkrant/", "en").text, "html.parser").find("h1")
    assert h1.get_text(strip=True) == "The wall"
    h1 = BeautifulSoup(get(client, "/muurkrant/", "nl").text, "html.parser").find("h1")
    assert h1.get_text(strip=True) == "Muurkrant"


def test_an_english_reader_gets_the_english_page_from_the_cache_too(
    client, django_assert_num_queries
):
    """The page cache keys by language: neither reader gets the other's cached page."""
    for language in ("nl", "en"):
        assert STARTING_TEXT["/muurkrant/", language] in get(client, "/muurkrant/", language).text
    with django_assert_num_queries(0):
        dutch = get(client, "/muurkrant/", "nl").text
        english_text = get(client, "/muurkrant/", "en").text
    assert STARTING_TEXT["/muurkrant/", "nl"] in dutch
    assert STARTING_TEXT["/muurkrant/", "en"] not in dutch
    assert STARTING_TEXT["/muurkrant/", "en"] in english_text

    wall = english(WallPage)
    wall.intro = "<p>Every post, newest first.</p>"
    wall.save_revision().publish()
    assert "Every post, newest first." in get(client, "/muurkrant/", "en").text
    assert "Every post, newest first." not in get(client, "/muurkrant/", "nl").text


def test_the_walls_routes_answer_english_readers(client, make_post):
    post = make_post(title="Fietsbrug geopend")
    response = get(client, post.get_absolute_url(), "en")
    assert "Fietsbrug geopend" in response.text
    assert '<html lang="en">' in response.text


def test_an_unpublished_translation_leaves_the_dutch_text_marked_as_dutch(client):
    english(WallPage).unpublish()
    page = BeautifulSoup(get(client, "/muurkrant/", "en").text, "html.parser")
    assert page.find("html")["lang"] == "en"
    assert page.find("h1")["lang"] == "nl"
    assert STARTING_TEXT["/muurkrant/", "nl"] in page.find(class_="intro").get_text()
    assert page.find(class_="intro")["lang"] == "nl"


def test_the_database_has_each_page_in_dutch_and_english():
    dutch = Locale.objects.get(language_code="nl")
    for model in PAGE_TYPES:
        source = model.objects.get(locale=dutch)
        assert source.live
        translation = english(model)
        assert translation.live
        assert translation.translation_key == source.translation_key
    assert Site.objects.get(is_default_site=True).root_page.specific.locale == dutch


def test_the_sitemap_lists_each_page_once(client):
    sitemap = client.get("/sitemap.xml").content.decode()
    for path in ("/over/", "/privacy/", "/toegankelijkheid/", "/muurkrant/"):
        assert sitemap.count(f"{path}</loc>") == 1, path
    assert "home-en" not in sitemap


def test_the_footer_and_menu_link_each_page_once_in_english(client):
    page = BeautifulSoup(get(client, "/", "en").text, "html.parser")
    footer = [a["href"] for a in page.find("footer").find_all("a")]
    assert footer.count("/privacy/") == 1
    assert "home-en" not in str(page)


def test_the_admin_lets_editors_switch_between_the_two_versions(client, editor):
    client.force_login(editor)
    home = HomePage.objects.get(locale__language_code="nl")
    response = client.get(f"/admin/pages/{home.pk}/edit/")
    assert response.status_code == 200
    assert f"/admin/pages/{english(HomePage).pk}/edit/" in response.text


def test_an_editor_publishes_the_english_version_in_the_admin(client, editor):
    client.force_login(editor)
    home = english(HomePage)
    response = client.post(
        f"/admin/pages/{home.pk}/edit/",
        {
            "title": "Mediahub",
            "slug": home.slug,
            "intro": rich_text("<p>Local news, edited in English.</p>"),
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    assert "Local news, edited in English." in get(client, "/", "en").text
    assert "Local news, edited in English." not in get(client, "/", "nl").text


@pytest.mark.parametrize("admin_language", ["nl", "en"])
def test_an_editor_previews_each_version_as_written(client, editor, admin_language):
    client.force_login(editor)
    for language in ("nl", "en"):
        home = HomePage.objects.get(locale__language_code=language)
        url = f"/admin/pages/{home.pk}/edit/preview/"
        intro = f"<p>Voorproef {language}.</p>"
        form = {"title": "Mediahub", "slug": home.slug, "intro": rich_text(intro)}
        headers = {"Accept-Language": admin_language}
        assert client.post(url, form, headers=headers).json()["is_valid"]
        assert f"Voorproef {language}." in client.get(url, headers=headers).text


def test_english_pages_do_not_route_on_their_own(client):
    """The English tree has its own url_paths; readers only ever see the Dutch addresses."""
    assert Page.objects.filter(url_path__startswith="/home-en/").exists()
    assert client.get("/home-en/").status_code == 404
