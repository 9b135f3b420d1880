"""The wall as residents browse it: order, filters, search, pages, queries, cookies, escaping."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from mediahub.models import Partner
from muurkrant.models import Post, WallPage
from tests.factories import ImageFactory, PartnerFactory, WijkFactory

pytestmark = pytest.mark.django_db


def titles(response) -> list[str]:
    found = response.context["slice"]
    return [post.title for post in [*found.pinned, *found.posts]]


def test_newest_first_with_pinned_on_top_and_expired_gone(client, make_post):
    now = timezone.now()
    make_post(title="Oud", published_at=now - timedelta(days=3))
    make_post(title="Nieuw", published_at=now - timedelta(hours=1))
    make_post(
        title="Vastgezet",
        published_at=now - timedelta(days=9),
        pinned_until=now + timedelta(days=1),
    )
    make_post(
        title="Niet meer vast",
        published_at=now - timedelta(days=5),
        pinned_until=now - timedelta(days=1),
    )
    make_post(title="Verlopen", published_at=now, expires_at=now - timedelta(minutes=1))
    response = client.get("/muurkrant/")
    assert titles(response) == ["Vastgezet", "Nieuw", "Oud", "Niet meer vast"]
    assert "Verlopen" not in response.text


@pytest.mark.parametrize("status", ["pending", "rejected", "hidden", "draft"])
def test_unpublished_posts_are_nowhere(client, make_post, partner, status):
    post = make_post(title="Niet voor bewoners", status=status)
    assert "Niet voor bewoners" not in client.get("/muurkrant/").text
    assert "Niet voor bewoners" not in client.get(f"/partners/{partner.slug}/").text
    assert client.get(post.get_absolute_url()).status_code == 404


def test_filters_each_narrow_the_wall(client, make_post, other_partner):
    centrum = WijkFactory(name="Centrum")
    fiets = make_post(title="Fietsbrug open")
    fiets.tags.add("verkeer")
    fiets.wijken.add(centrum)
    fiets.save()
    make_post(title="Radio over kunst", partner=other_partner, kind=Post.Kind.AUDIO)
    make_post(title="Video van de markt", kind=Post.Kind.VIDEO)

    assert titles(client.get("/muurkrant/?partner=radio-elders")) == ["Radio over kunst"]
    assert titles(client.get("/muurkrant/?tag=verkeer")) == ["Fietsbrug open"]
    assert titles(client.get("/muurkrant/?wijk=centrum")) == ["Fietsbrug open"]
    assert titles(client.get("/muurkrant/?kind=video")) == ["Video van de markt"]
    assert titles(client.get("/muurkrant/?kind=article&tag=verkeer")) == ["Fietsbrug open"]
    assert titles(client.get("/muurkrant/?kind=audio&tag=verkeer")) == []


def test_unknown_filter_values_are_ignored_not_trusted(client, make_post):
    make_post(title="Blijft zichtbaar")
    response = client.get("/muurkrant/?kind=<script>&wijk=nergens&before=abc")
    assert titles(response) == ["Blijft zichtbaar"]
    assert "<script>" not in response.text


def test_active_filters_are_shown_with_a_way_to_clear_each(client, make_post, other_partner):
    make_post(title="Iets", kind=Post.Kind.VIDEO)
    response = client.get("/muurkrant/?kind=video&partner=radio-elders")
    assert 'href="/muurkrant/?partner=radio-elders"' in response.text  # drops kind
    assert 'href="/muurkrant/?kind=video"' in response.text  # drops partner


def test_search_finds_posts_by_words_in_the_title(client, make_post, other_partner):
    make_post(title="Nieuwe fietsbrug over de haven")
    make_post(title="Bibliotheek opent taalcafé")
    make_post(title="Fietsbrug bij Radio Elders", partner=other_partner)
    make_post(title="Fietsbrug nog in overleg", status=Post.Status.PENDING)
    found = titles(client.get("/muurkrant/?q=fietsbrug"))
    assert sorted(found) == ["Fietsbrug bij Radio Elders", "Nieuwe fietsbrug over de haven"]
    assert titles(client.get("/muurkrant/?q=fietsbrug&partner=radio-elders")) == [
        "Fietsbrug bij Radio Elders"
    ]
    assert titles(client.get("/muurkrant/?q=taalcafé")) == ["Bibliotheek opent taalcafé"]


def test_pages_walk_older_and_back_newer_through_ties(client, make_post):
    WallPage.objects.update(posts_per_page=3)
    moment = timezone.now() - timedelta(hours=1)
    posts = [make_post(title=f"Bericht {n}", published_at=moment) for n in range(8)]
    make_post(title="Vast", pinned_until=timezone.now() + timedelta(days=1))
    expected = [post.title for post in sorted(posts, key=lambda post: -post.pk)]

    pages, query = [], ""
    while query is not None:
        found = client.get(f"/muurkrant/{query}").context["slice"]
        pages.append(found)
        query = found.older_query
    assert [post.title for page in pages for post in page.posts] == expected
    assert [len(page.pinned) for page in pages] == [1, 0, 0]

    back = client.get(f"/muurkrant/{pages[-1].newer_query}").context["slice"]
    assert back.posts == pages[1].posts
    first = client.get(f"/muurkrant/{back.newer_query}").context["slice"]
    assert first.posts == pages[0].posts and first.is_first and first.pinned


def test_wall_query_count_does_not_grow_with_posts(
    client, make_post, partner, django_assert_max_num_queries
):
    def add_posts(count: int) -> None:
        for n in range(count):
            image = ImageFactory(title=f"beeld {n}")
            poster = PartnerFactory(name=f"Omroep {n}", logo=ImageFactory(title=f"logo {n}"))
            make_post(title=f"Met beeld {n}", image=image, image_alt="Een wit vlak")
            make_post(title=f"Van {poster.name}", partner=poster)

    add_posts(3)
    client.get("/muurkrant/")  # renditions are made on the first view
    with CaptureQueriesContext(connection) as captured:
        client.get("/muurkrant/")
    few = len(captured)  # read now: the next request clears the query log
    add_posts(8)
    client.get("/muurkrant/")
    with django_assert_max_num_queries(few):
        response = client.get("/muurkrant/")
    assert few <= 12
    # The lead story's picture is above the fold; every other picture and logo loads lazily.
    assert response.text.count('fetchpriority="high"') == 1
    assert response.text.count('loading="lazy"') == 10 + 11
    assert 'alt="Een wit vlak"' in response.text


def test_wall_sets_no_cookie(client, make_post):
    make_post(title="Zonder koekjes")
    response = client.get("/muurkrant/")
    assert response.status_code == 200
    assert not response.cookies
    assert "Set-Cookie" not in response.headers


def test_cards_show_partner_time_and_kind(client, make_post):
    make_post(title="Met alles", kind=Post.Kind.AUDIO)
    text = client.get("/muurkrant/").text
    assert 'href="/partners/rtv-test/"' in text
    assert "<time datetime=" in text
    assert "badge--audio" in text


def test_hostile_text_is_escaped_on_the_wall(client, make_post):
    make_post(
        title="<script>alert(1)</script>",
        summary='<img src=x onerror=alert(1)> <a href="javascript:alert(1)">x</a>',
    )
    text = client.get("/muurkrant/").text
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<img src=x" not in text
    assert 'href="javascript:' not in text


def test_partner_page_lists_only_that_partners_posts(client, make_post, partner, other_partner):
    partner.description = "Het lokale nieuws van Test."
    partner.website = "https://rtv-test.example"
    partner.save()
    make_post(title="Van Test")
    make_post(title="Van Elders", partner=other_partner)
    response = client.get("/partners/rtv-test/")
    assert response.status_code == 200
    assert "Het lokale nieuws van Test." in response.text
    assert 'href="https://rtv-test.example"' in response.text
    assert titles(response) == ["Van Test"]


def test_inactive_or_unknown_partner_is_404(client):
    Partner.objects.create(name="Gestopt", slug="gestopt", active=False)
    assert client.get("/partners/gestopt/").status_code == 404
    assert client.get("/partners/bestaat-niet/").status_code == 404
