"""The city's own name, logo, colour and footer text, set in the admin, on every public page."""

import pytest
from bs4 import BeautifulSoup

from mediahub.models import SiteIdentity, contrast_with_white
from tests.factories import ImageFactory, PartnerUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def edit_url() -> str:
    return f"/admin/settings/mediahub/siteidentity/{SiteIdentity.load().pk}/"


@pytest.fixture
def administrator(client):
    user = UserFactory(is_superuser=True, is_staff=True)
    client.force_login(user)
    return user


def form(**changes) -> dict:
    record = SiteIdentity.load()
    data = {
        "site_name": record.site_name,
        "city_name": record.city_name,
        "logo": record.logo_id or "",
        "accent_colour": record.accent_colour,
        "footer_text": record.footer_text,
        "footer_text_en": record.footer_text_en,
    }
    return {**data, **changes}


def test_the_current_look_is_the_default(client):
    page = BeautifulSoup(client.get("/").text, "html.parser")
    assert page.select_one(".brand").get_text(strip=True) == "Muurkrant"
    assert page.title.get_text().endswith("Muurkrant")
    theme = page.find("link", href=lambda href: href and href.startswith("/theme.css"))
    css = client.get(theme["href"])
    assert css["Content-Type"].startswith("text/css")
    assert "--accent: #0b5cad;" in css.text
    assert "Muurkrant: nieuws van de lokale omroepen" in page.select_one(".site-footer").get_text()


def test_an_administrator_makes_the_site_the_citys_own(client, administrator):
    logo = ImageFactory()
    response = client.post(
        edit_url(),
        form(
            site_name="Stadskrant",
            city_name="Elders",
            logo=logo.pk,
            accent_colour="#7a1f5c",
            footer_text="Een dienst van de gemeente Elders.",
            footer_text_en="A service of the municipality of Elders.",
        ),
    )
    assert response.status_code == 302, response.content[:500]
    client.logout()
    html = client.get("/muurkrant/").text
    page = BeautifulSoup(html, "html.parser")
    assert page.select_one(".brand").get_text(" ", strip=True) == "Stadskrant Elders"
    assert page.select_one(".brand__logo")["src"].startswith("/media/images/")
    assert page.title.get_text().endswith("Stadskrant")
    assert "Een dienst van de gemeente Elders." in page.select_one(".site-footer").get_text()
    theme = page.find("link", href=lambda href: href and href.startswith("/theme.css"))
    assert "--accent: #7a1f5c;" in client.get(theme["href"]).text
    client.post("/taal/", {"language": "en", "next": "/"})
    footer = BeautifulSoup(client.get("/").text, "html.parser").select_one(".site-footer")
    assert "A service of the municipality of Elders." in footer.get_text()


def test_a_colour_too_light_to_read_is_refused_and_nothing_changes(client, administrator):
    client.post(edit_url(), form(site_name="Stadskrant"))
    response = client.post(edit_url(), form(site_name="Anders", accent_colour="#ffd700"))
    assert response.status_code == 200
    assert "contrast" in response.text
    assert SiteIdentity.load().site_name == "Stadskrant"
    response = client.post(edit_url(), form(accent_colour="rood"))
    assert "zes hexadecimale cijfers" in response.text


def test_the_contrast_rule_matches_wcag():
    assert contrast_with_white("#000000") == pytest.approx(21, abs=0.01)
    assert contrast_with_white("#767676") == pytest.approx(4.54, abs=0.01)
    assert contrast_with_white("#0b5cad") > 4.5


def test_partner_users_cannot_change_the_site_identity(client):
    client.force_login(PartnerUserFactory())
    response = client.post(edit_url(), form(site_name="Overgenomen"))
    assert response.status_code in (302, 403)
    assert SiteIdentity.load().site_name == "Muurkrant"


def test_the_identity_costs_no_query_per_page(client, django_assert_num_queries):
    client.get("/muurkrant/")
    with django_assert_num_queries(0):
        client.get("/theme.css?v=0b5cad")
