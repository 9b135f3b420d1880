"""The wall's first page read as a front page: a lead story, highlights, days, cards by kind."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from muurkrant.models import Post
from tests.factories import ImageFactory

pytestmark = pytest.mark.django_db


def soup(client, url: str = "/muurkrant/") -> BeautifulSoup:
    response = client.get(url)
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def lead_title(page: BeautifulSoup) -> str:
    return page.select_one(".front__lead .card__title").get_text(strip=True)


def test_lead_is_the_pinned_post(client, make_post):
    now = timezone.now()
    make_post(title="Nieuw met beeld", image=ImageFactory(), published_at=now)
    make_post(
        title="Vastgezet",
        published_at=now - timedelta(days=2),
        pinned_until=now + timedelta(days=1),
    )
    page = soup(client)
    assert lead_title(page) == "Vastgezet"
    assert page.select_one(".front__lead .badge--pinned")


def test_lead_is_else_the_newest_post_with_an_image(client, make_post):
    now = timezone.now()
    make_post(title="Nieuwste zonder beeld", published_at=now)
    make_post(title="Met beeld", image=ImageFactory(), published_at=now - timedelta(hours=1))
    make_post(title="Ouder met beeld", image=ImageFactory(), published_at=now - timedelta(hours=2))
    page = soup(client)
    assert lead_title(page) == "Met beeld"
    highlights = [h.get_text(strip=True) for h in page.select(".highlights .card__title")]
    assert highlights == ["Nieuwste zonder beeld", "Ouder met beeld"]


def test_filtered_wall_has_no_lead_but_keeps_the_days(client, make_post):
    make_post(title="Met beeld", image=ImageFactory(), kind=Post.Kind.VIDEO)
    page = soup(client, "/muurkrant/?kind=video")
    assert page.select_one(".front__lead") is None
    assert [h.get_text(strip=True) for h in page.select(".day__heading")] == ["Vandaag"]


def test_stream_is_grouped_by_day(client, make_post):
    now = timezone.localtime()
    noon = now.replace(hour=12, minute=0, second=0, microsecond=0)
    for n in range(4):  # a lead and three highlights first
        make_post(title=f"Boven {n}", published_at=now - timedelta(seconds=n))
    make_post(title="Vandaag eerder", published_at=now - timedelta(seconds=10))
    make_post(title="Van gisteren", published_at=noon - timedelta(days=1))
    make_post(title="Van lang geleden", published_at=noon.replace(year=2023, month=3, day=6))
    page = soup(client)
    days = {
        day.select_one(".day__heading").get_text(strip=True): [
            title.get_text(strip=True) for title in day.select(".card__title")
        ]
        for day in page.select(".day")
    }
    assert days == {
        "Vandaag": ["Vandaag eerder"],
        "Gisteren": ["Van gisteren"],
        "maandag 6 maart 2023": ["Van lang geleden"],
    }


def test_day_headings_follow_the_language(client, make_post):
    make_post(title="Vandaag")
    client.post("/taal/", {"language": "en", "next": "/muurkrant/?kind=article"})
    page = soup(client, "/muurkrant/?kind=article")
    assert [h.get_text(strip=True) for h in page.select(".day__heading")] == ["Today"]


def test_text_cards_carry_no_image_box(client, make_post):
    make_post(title="Alleen tekst")
    make_post(title="Met beeld", image=ImageFactory(), image_alt="Een brug")
    page = soup(client)
    for card in page.select(".card"):
        title = card.select_one(".card__title").get_text(strip=True)
        has_image = card.select_one(".card__media") is not None
        assert has_image == (title == "Met beeld")
        if title == "Alleen tekst":
            assert "card--text" in card["class"]
            assert card.select("img:not(.card__logo)") == []


def test_every_card_shows_its_partner_logo_and_name(client, make_post, partner, other_partner):
    partner.logo = ImageFactory(title="Logo RTV")
    partner.save()
    make_post(title="Met logo")
    make_post(title="Zonder logo", partner=other_partner)
    page = soup(client)
    cards = {
        card.select_one(".card__title").get_text(strip=True): card for card in page.select(".card")
    }
    assert cards["Met logo"].select_one("img.card__logo")
    assert cards["Met logo"].select_one(".card__partner").get_text(strip=True) == "RTV Test"
    assert cards["Zonder logo"].select_one("img.card__logo") is None
    assert cards["Zonder logo"].select_one(".card__partner").get_text(strip=True) == "Radio Elders"


def test_video_and_audio_cards_show_their_duration(client, make_post):
    make_post(title="Video", kind=Post.Kind.VIDEO, duration_seconds=205)
    make_post(title="Lang gesprek", kind=Post.Kind.AUDIO, duration_seconds=3725)
    make_post(title="Zonder duur", kind=Post.Kind.AUDIO)
    page = soup(client)
    durations = {
        card.select_one(".card__title").get_text(strip=True): card.select_one(".card__duration")
        for card in page.select(".card")
    }
    assert durations["Video"].get_text(strip=True) == "3:25"
    assert durations["Video"]["datetime"] == "PT205S"
    assert durations["Lang gesprek"].get_text(strip=True) == "1:02:05"
    assert durations["Zonder duur"] is None


def test_filters_sit_behind_a_disclosure_with_removable_chips(client, make_post, other_partner):
    make_post(title="Iets", kind=Post.Kind.VIDEO, partner=other_partner)
    page = soup(client, "/muurkrant/?kind=video&partner=radio-elders")
    disclosure = page.select_one("details.wall__filters")
    assert disclosure is not None and not disclosure.has_attr("open")
    assert disclosure.select_one("summary")
    assert disclosure.select_one("form.filter-form")
    chips = {
        chip.select_one("strong").get_text(strip=True): chip.select_one("a")["href"]
        for chip in page.select(".active-filters .chip")
    }
    assert chips == {
        "Radio Elders": "/muurkrant/?kind=video",
        "Video": "/muurkrant/?partner=radio-elders",
    }
