"""The about page, the privacy statement and the accessibility statement, and the footer to them."""

import re
from datetime import date

import pytest
from bs4 import BeautifulSoup
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template import Context, Template
from django.test import Client
from django.urls import path
from django.utils import translation
from wagtail.models import Page

from mediahub.models import AboutPage, AccessibilityPage, HomePage, PrivacyPage
from mediahub.pages import create_info_pages
from mediahub.retention import LABELS
from mediahub.settings.base import feeds_user_agent
from mediahub.urls import urlpatterns as site_urlpatterns
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

STATEMENTS = {
    "/over/": AboutPage,
    "/privacy/": PrivacyPage,
    "/toegankelijkheid/": AccessibilityPage,
}
# What each page's starting text says in each language, one sentence from each.
STARTING_TEXT = {
    ("/over/", "nl"): ("Over deze website", "If-None-Match"),
    ("/over/", "en"): ("About this website", "410 Gone"),
    ("/privacy/", "nl"): ("Privacyverklaring", "Autoriteit Persoonsgegevens"),
    ("/privacy/", "en"): ("Privacy statement", "Dutch Data Protection Authority"),
    ("/toegankelijkheid/", "nl"): ("Toegankelijkheidsverklaring", "Nationale ombudsman"),
    ("/toegankelijkheid/", "en"): ("Accessibility statement", "National Ombudsman"),
}
FOOTER_HREFS = {
    "/over/",
    "/over/#contact",
    "/privacy/",
    "/toegankelijkheid/",
    "/.well-known/security.txt",
    "/feeds/wall.rss",
    "/feeds/wall.atom",
    "/feeds/wall.json",
}


def get(client: Client, url: str, language: str = "nl"):
    """The page as a resident who chose `language` with the switch."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(url)


def footer_hrefs(html: str) -> set[str]:
    footer = BeautifulSoup(html, "html.parser").find("footer")
    assert footer is not None, "the page has no footer"
    return {link["href"] for link in footer.find_all("a")}


def text_of(html: str) -> str:
    return " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())


@pytest.mark.parametrize(("url", "language"), list(STARTING_TEXT))
def test_each_statement_is_there_with_its_starting_text_in_both_languages(client, url, language):
    response = get(client, url, language)
    assert response.status_code == 200
    assert f'<html lang="{language}">' in response.text
    heading, sentence = STARTING_TEXT[url, language]
    page = BeautifulSoup(response.text, "html.parser")
    assert page.find("h1").get_text(strip=True) == heading
    assert page.title.get_text().startswith(heading)
    assert sentence in text_of(response.text)


def test_the_page_the_fetchers_user_agent_names_is_the_about_page(client, settings):
    about = re.search(r"\+(\S+?);", feeds_user_agent(settings.SITE_URL)).group(1)
    response = client.get(about.removeprefix(settings.SITE_URL))
    assert response.status_code == 200
    assert "Mediahub/1.0" in text_of(response.text)  # how to recognise the fetcher


def test_the_about_page_keeps_the_slug_the_user_agent_names():
    about = AboutPage.objects.get(locale__language_code="nl")
    about.slug = "over-ons"
    with pytest.raises(ValidationError) as refused:
        about.full_clean()
    assert "slug" in refused.value.message_dict


def test_an_english_reader_sees_the_dutch_text_marked_as_dutch_until_it_is_translated(client):
    PrivacyPage.objects.get(locale__language_code="en").unpublish()

    page = BeautifulSoup(get(client, "/privacy/", "en").text, "html.parser")

    body = page.find(class_="info-page__body")
    assert body["lang"] == "nl"
    assert "Autoriteit Persoonsgegevens" in body.get_text()
    assert page.find("h1").get_text(strip=True) == "Privacyverklaring"
    assert page.find("h1")["lang"] == "nl"


def retention_periods(html: str) -> str:
    section = BeautifulSoup(html, "html.parser").find(id="retention")
    assert section is not None, "the privacy statement names no retention periods"
    return " ".join(section.get_text(" ").split())


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_privacy_statement_names_the_retention_periods_from_settings(
    client, settings, language
):
    settings.RETENTION_DAYS = {key: 100 + n for n, key in enumerate(settings.RETENTION_DAYS)}
    shown = retention_periods(get(client, "/privacy/", language).text)
    with translation.override(language):
        for n, key in enumerate(settings.RETENTION_DAYS):
            assert f"{LABELS[key]} {100 + n} " in shown

    settings.RETENTION_DAYS = dict.fromkeys(settings.RETENTION_DAYS, 7)
    shown = retention_periods(get(client, "/privacy/", language).text)
    assert "100" not in shown
    assert shown.count(" 7 ") == len(settings.RETENTION_DAYS)


def test_every_retention_period_in_settings_has_a_name_residents_can_read(settings):
    assert set(settings.RETENTION_DAYS) <= set(LABELS)


def test_the_accessibility_statement_shows_its_status_and_date(client):
    statement = AccessibilityPage.objects.get(locale__language_code="nl")
    statement.compliance_status = AccessibilityPage.Status.PARTIAL
    statement.statement_date = date(2031, 3, 4)
    statement.save_revision().publish()

    shown = text_of(get(client, "/toegankelijkheid/", "en").text)

    assert "B – partially compliant" in shown
    assert "4 March 2031" in shown


def test_the_about_page_has_a_contact_section_with_the_address_editors_set(client):
    about = AboutPage.objects.get(locale__language_code="nl")
    about.contact_email = "muurkrant@gemeente.example.nl"
    about.save_revision().publish()

    contact = BeautifulSoup(get(client, "/over/").text, "html.parser").find(id="contact")

    assert contact.find("a", href="mailto:muurkrant@gemeente.example.nl") is not None
    assert contact.find("a", href="/.well-known/security.txt") is not None


@pytest.mark.parametrize("url", list(STATEMENTS))
@pytest.mark.parametrize("language", ["nl", "en"])
def test_editors_edit_each_statement_in_dutch_and_english_in_the_admin(client, url, language):
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    page = STATEMENTS[url].objects.get(locale__language_code=language)
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200
    for field in ("title", "body"):
        assert f'name="{field}"' in response.text


# The footer


@pytest.fixture
def resident_pages(make_post, partner) -> list[str]:
    post = make_post(title="Fietsbrug geopend")
    return [
        "/",
        "/muurkrant/",
        post.get_absolute_url(),
        post.get_report_url(),
        f"/partners/{partner.slug}/",
        *STATEMENTS,
    ]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_public_page_links_the_statements_in_its_footer(client, resident_pages, language):
    for url in resident_pages:
        response = get(client, url, language)
        assert response.status_code == 200, url
        assert footer_hrefs(response.text) == FOOTER_HREFS, url


def test_the_404_page_has_the_footer_too(client):
    response = client.get("/bestaat-niet/")
    assert response.status_code == 404
    assert footer_hrefs(response.text) == FOOTER_HREFS


def broken_view(request):
    raise RuntimeError("a view that fails")


urlpatterns = [path("stuk/", broken_view), *site_urlpatterns]


def test_the_500_page_links_the_about_page_without_asking_the_database(settings):
    settings.ROOT_URLCONF = __name__
    client = Client(raise_request_exception=False)
    response = client.get("/stuk/")
    assert response.status_code == 500
    assert {"/over/", "/.well-known/security.txt"} <= footer_hrefs(response.text)


def test_an_unpublished_statement_leaves_the_footer_and_a_moved_one_is_followed(client):
    assert footer_hrefs(client.get("/").text) == FOOTER_HREFS  # now in the cache
    PrivacyPage.objects.get(locale__language_code="nl").unpublish()
    assert footer_hrefs(client.get("/").text) == FOOTER_HREFS - {"/privacy/"}

    statement = AccessibilityPage.objects.get(locale__language_code="nl")
    statement.slug = "toegankelijkheidsverklaring"
    statement.save_revision().publish()
    hrefs = footer_hrefs(client.get("/").text)
    assert "/toegankelijkheidsverklaring/" in hrefs
    assert "/toegankelijkheid/" not in hrefs


def test_the_footer_costs_no_query_once_its_links_are_cached(rf, django_assert_num_queries):
    template = Template("{% load info_tags %}{% site_footer %}")
    context = Context({"request": rf.get("/")})
    first = template.render(context)
    with django_assert_num_queries(0):
        assert template.render(context) == first


def test_the_footer_marks_the_page_the_reader_is_on(client):
    footer = BeautifulSoup(client.get("/privacy/").text, "html.parser").find("footer")
    current = footer.find_all(attrs={"aria-current": "page"})
    assert [link["href"] for link in current] == ["/privacy/"]


def test_an_existing_site_gets_the_missing_statements_once_and_keeps_its_own(client):
    """What the migration does on a database that already had its home page and wall."""
    AccessibilityPage.objects.all().delete()  # both languages
    privacy = PrivacyPage.objects.get(locale__language_code="nl")
    privacy.body = "<p>De eigen tekst van de gemeente.</p>"
    privacy.save_revision().publish()

    create_info_pages(apps)
    create_info_pages(apps)

    assert AccessibilityPage.objects.count() == 2  # in Dutch and in English
    assert client.get("/toegankelijkheid/").status_code == 200
    assert "De eigen tekst van de gemeente." in client.get("/privacy/").text
    home = HomePage.objects.get(locale__language_code="nl")
    assert home.numchild == home.get_children().count() == 4
    assert all(problems == [] for problems in Page.find_problems())
