"""The partners' public face: the directory, their profile, their live stream behind a facade."""

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError

from mediahub.models import Partner, validate_stream_url
from tests.factories import ImageFactory, PartnerFactory

PARTNERS_ADMIN = "/admin/snippets/mediahub/partner/"
STREAM = "https://stream.rtv-test.example/live.mp3"


def soup(response) -> BeautifulSoup:
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def profile(partner) -> Partner:
    partner.description = "Lokale radio en tv voor de hele stad."
    partner.website = "https://rtv-test.example"
    partner.public_email = "redactie@rtv-test.example"
    partner.phone = "010 123 45 67"
    partner.channels = "FM 105.3\nKabel kanaal 42\n"
    partner.stream_url = STREAM
    partner.save()
    return partner


def test_the_directory_lists_active_partners_by_kind_and_links_their_pages(
    client, profile, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    profile.logo = ImageFactory(partner=profile)
    profile.save()
    PartnerFactory(name="Bibliotheek Centrum", kind=Partner.Kind.INSTITUTION)
    PartnerFactory(name="Stille Omroep", active=False)

    page = soup(client.get("/partners/"))

    groups = {
        section.h2.get_text(strip=True): [a.get_text(strip=True) for a in section.select("h3 a")]
        for section in page.select("section")
    }
    assert groups == {
        "Lokale omroep": ["RTV Test"],
        "Culturele instelling": ["Bibliotheek Centrum"],
    }
    link = page.find("a", string="RTV Test")
    assert link["href"] == "/partners/rtv-test/"
    assert "Lokale radio en tv" in page.text
    assert page.select_one(".partner-card__logo")["alt"] == ""
    assert "Stille Omroep" not in page.text


def test_the_directory_is_linked_from_the_menu_and_marked_current(client, partner):
    page = soup(client.get("/partners/"))

    menu = page.find("nav", attrs={"aria-label": "Hoofdmenu"})
    current = menu.find("a", attrs={"aria-current": "page"})
    assert current["href"] == "/partners/"
    assert menu.find("a", href="/live/")


def test_the_directory_takes_a_fixed_number_of_queries(
    client, partner, django_assert_max_num_queries
):
    for number in range(10):
        PartnerFactory(name=f"Initiatief {number}", kind=Partner.Kind.INITIATIVE)
    with django_assert_max_num_queries(8):
        client.get("/partners/")


def test_the_directory_speaks_english(client, partner):
    client.cookies["django_language"] = "en"

    page = soup(client.get("/partners/"))

    assert page.html["lang"] == "en"
    assert page.h1.get_text(strip=True) == "Partners"
    assert page.select_one("section h2").get_text(strip=True) == "Local broadcaster"


def test_the_partner_page_shows_the_profile_above_the_posts(client, profile, make_post):
    make_post(title="Fietsbrug geopend")

    page = soup(client.get("/partners/rtv-test/"))
    header = page.select_one("header.partner")

    assert [li.get_text() for li in header.select(".partner__channels li")] == [
        "FM 105.3",
        "Kabel kanaal 42",
    ]
    assert header.find("a", href="mailto:redactie@rtv-test.example")
    assert header.find("a", href="tel:0101234567")
    assert header.find("a", href="https://rtv-test.example")
    assert header.find_next(string="Fietsbrug geopend")


def test_the_live_player_is_a_plain_link_until_play(client, profile, other_partner):
    for url in ("/live/", "/partners/rtv-test/"):
        response = client.get(url)
        page = soup(response)

        assert page.find("audio") is None
        assert b"<audio" not in response.content
        player = page.select_one(".live-player")
        assert player["data-stream-url"] == STREAM
        assert player.a["href"] == STREAM
        assert "stream.rtv-test.example" in player.a.get_text()
        assert page.find("script", src=lambda src: src and src.endswith("play.js"))


def test_the_live_page_lists_only_active_partners_with_a_stream(client, profile, other_partner):
    PartnerFactory(name="Stille Omroep", active=False, stream_url="https://stil.example/live")

    page = soup(client.get("/live/"))

    assert [h2.get_text(strip=True) for h2 in page.select(".partner-card h2")] == ["RTV Test"]
    assert page.select_one(".partner__channels")


def test_without_streams_the_live_page_says_so_and_loads_no_script(client, partner):
    page = soup(client.get("/live/"))

    assert page.select_one(".empty")
    assert not page.find("script", src=lambda src: src and src.endswith("play.js"))


def test_a_partner_page_without_a_stream_has_no_player(client, partner):
    page = soup(client.get("/partners/rtv-test/"))

    assert page.select_one(".live-player") is None


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("javascript:alert(1)", "invalid"),
        ("stream.example/live", "invalid"),
        ("https://user:pw@stream.example/live", "invalid"),
        ("http://192.168.1.20:8000/live", "private"),
        ("https://localhost/live", "private"),
        ("http://radio.local/live.mp3", "private"),
        ("http://stream.example/live.mp3", "insecure"),
    ],
)
def test_a_stream_url_that_residents_could_not_play_safely_is_refused(url, code, settings):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = False

    with pytest.raises(ValidationError) as refused:
        validate_stream_url(url)

    assert refused.value.code == code


def test_an_https_stream_and_an_hls_playlist_are_accepted(settings):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = False

    validate_stream_url("https://icecast.rtv-test.example:8443/live.aac")
    validate_stream_url("https://cdn.example/rtv/live/playlist.m3u8")


def profile_form(partner: Partner, **changes) -> dict:
    data = {
        "name": partner.name,
        "kind": partner.kind,
        "description": "Radio voor Noord.",
        "website": "https://rtv-test.example",
        "public_email": "",
        "phone": "",
        "channels": "FM 105.3",
        "stream_url": STREAM,
        "contact_email": "",
        "takeover_permission": "ask",
    }
    return {**data, **changes}


def test_a_partner_user_edits_their_profile_but_not_trust_activity_or_slug(
    partner_client, partner, other_partner
):
    Partner.objects.filter(pk=partner.pk).update(trusted=False)
    form = soup(partner_client.get(f"{PARTNERS_ADMIN}edit/{partner.pk}/"))
    assert form.find(attrs={"name": "stream_url"}) and form.find(attrs={"name": "channels"})
    assert not form.find(attrs={"name": "trusted"}) and not form.find(attrs={"name": "slug"})

    own = partner_client.post(
        f"{PARTNERS_ADMIN}edit/{partner.pk}/",
        profile_form(partner, trusted="on", active="", slug="overgenomen"),
    )
    foreign = partner_client.post(
        f"{PARTNERS_ADMIN}edit/{other_partner.pk}/", profile_form(other_partner)
    )

    assert (own.status_code, foreign.status_code) == (302, 404)
    partner.refresh_from_db()
    other_partner.refresh_from_db()
    assert (partner.description, partner.channels, partner.stream_url) == (
        "Radio voor Noord.",
        "FM 105.3",
        STREAM,
    )
    assert (partner.trusted, partner.active, partner.slug) == (False, True, "rtv-test")
    assert other_partner.description == ""


def test_the_profile_form_refuses_an_unsafe_stream_with_a_clear_message(
    partner_client, partner, settings
):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = False

    response = partner_client.post(
        f"{PARTNERS_ADMIN}edit/{partner.pk}/",
        profile_form(partner, stream_url="http://10.0.0.5/live"),
    )

    assert response.status_code == 200
    assert "privénetwerk" in response.text or "private network" in response.text
    partner.refresh_from_db()
    assert partner.stream_url == ""


def test_an_editor_sets_trust_and_slug(client, editor, partner):
    client.force_login(editor)

    client.post(
        f"{PARTNERS_ADMIN}edit/{partner.pk}/",
        profile_form(partner, trusted="", active="on", slug="rtv-test-nieuw"),
    )

    partner.refresh_from_db()
    assert (partner.trusted, partner.slug) == (False, "rtv-test-nieuw")


def test_a_partner_user_cannot_take_another_partners_image_as_logo(
    partner_client, partner, other_partner, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    own_image = ImageFactory(partner=partner)
    foreign_image = ImageFactory(partner=other_partner)

    refused = partner_client.post(
        f"{PARTNERS_ADMIN}edit/{partner.pk}/", profile_form(partner, logo=foreign_image.pk)
    )
    partner.refresh_from_db()
    logo_after_refusal = partner.logo_id
    accepted = partner_client.post(
        f"{PARTNERS_ADMIN}edit/{partner.pk}/", profile_form(partner, logo=own_image.pk)
    )

    assert (refused.status_code, logo_after_refusal) == (200, None)
    assert accepted.status_code == 302
    partner.refresh_from_db()
    assert partner.logo == own_image
