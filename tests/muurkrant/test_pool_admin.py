"""The Pool in the admin: who sees what, its filters and search, and taking a post over."""

from datetime import UTC, datetime

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from mediahub.roles import PARTNERS
from muurkrant import takeover
from muurkrant.models import Post
from tests.admin_scoping import refused
from tests.factories import (
    EditorFactory,
    MembershipFactory,
    PartnerFactory,
    PostFactory,
    UserFactory,
    WijkFactory,
    role_group,
)

POOL = "/admin/pool/"
RESULTS = "/admin/pool/results/"
# Session, user, permissions, menu and filter choices, count, one page of posts with their
# partners, and the wall's path for links: the same for any number of rows.
QUERIES_PER_PAGE = 24


def take_over_url(post: Post) -> str:
    return reverse("pool:take_over", args=[post.pk])


def messages_of(response) -> list:
    return list(get_messages(response.wsgi_request))


@pytest.fixture
def elsewhere(other_partner) -> dict[str, Post]:
    """Another partner's posts in every state the pool must tell apart."""
    return {
        status: PostFactory(partner=other_partner, title=f"Elders {status}", status=status)
        for status in Post.Status.values
    }


def test_a_partner_sees_everyones_published_posts_and_only_their_own_drafts(
    partner_client, make_post, elsewhere
):
    own_draft = make_post(title="Eigen concept", status=Post.Status.DRAFT)
    own_pending = make_post(title="Eigen wachtend", status=Post.Status.PENDING)

    page = partner_client.get(POOL).content.decode()

    assert "Elders published" in page
    assert own_draft.title in page
    assert own_pending.title in page
    for status in ("draft", "pending", "rejected", "hidden"):
        assert f"Elders {status}" not in page


def test_the_pool_is_newest_first(partner_client, other_partner):
    older = PostFactory(
        partner=other_partner, title="Oud nieuws", published_at=datetime(2025, 1, 1, tzinfo=UTC)
    )
    newer = PostFactory(
        partner=other_partner, title="Vers nieuws", published_at=datetime(2025, 6, 1, tzinfo=UTC)
    )

    page = partner_client.get(POOL).content.decode()

    assert page.index(newer.title) < page.index(older.title)


def test_an_editor_without_a_partner_sees_published_posts_but_no_take_over(client, elsewhere):
    client.force_login(EditorFactory())

    page = client.get(POOL).content.decode()

    assert "Elders published" in page
    assert "Elders draft" not in page
    assert take_over_url(elsewhere["published"]) not in page


def test_take_over_is_offered_on_others_published_posts_only(partner_client, make_post, elsewhere):
    own = make_post(title="Eigen nieuws")

    page = partner_client.get(POOL).content.decode()

    assert take_over_url(elsewhere["published"]) in page
    assert take_over_url(own) not in page


@pytest.fixture
def varied(partner, other_partner) -> dict[str, Post]:
    """Published posts that differ in one filter each from the first."""
    centrum = WijkFactory(name="Centrum")
    base = PostFactory(
        partner=other_partner,
        title="Fietsbrug geopend",
        published_at=datetime(2025, 3, 10, tzinfo=UTC),
    )
    base.tags.add("Verkeer")
    base.wijken.add(centrum)
    base.save()
    return {
        "base": base,
        "partner": PostFactory(
            partner=partner, title="Markt op zaterdag", published_at=base.published_at
        ),
        "kind": PostFactory(
            partner=other_partner,
            title="Markt in beeld",
            kind=Post.Kind.VIDEO,
            published_at=base.published_at,
        ),
        "date": PostFactory(
            partner=other_partner,
            title="Markt in de winter",
            published_at=datetime(2024, 12, 1, tzinfo=UTC),
        ),
    }


@pytest.mark.parametrize(
    "query",
    [
        {"partner": "OTHER"},
        {"kind": "article"},
        {"tag": "verkeer"},
        {"wijk": "WIJK"},
        {"published_at_from": "2025-03-01", "published_at_to": "2025-03-31"},
        {"q": "fietsbrug"},
    ],
    ids=["partner", "kind", "tag", "wijk", "date", "search"],
)
def test_filters_and_search_narrow_the_pool(partner_client, varied, other_partner, query):
    wijk = varied["base"].wijken.get()
    replace = {"OTHER": str(other_partner.pk), "WIJK": str(wijk.pk)}
    query = {key: replace.get(value, value) for key, value in query.items()}

    everything = partner_client.get(RESULTS).content.decode()
    narrowed = partner_client.get(RESULTS, query).content.decode()

    assert all(post.title in everything for post in varied.values())
    assert varied["base"].title in narrowed
    left_out = [post.title for post in varied.values() if post.title not in narrowed]
    assert left_out, f"{query} narrowed nothing"


def test_each_filter_drops_what_it_should(partner_client, varied, other_partner):
    wijk = varied["base"].wijken.get()
    cases = {
        "partner": ({"partner": other_partner.pk}, varied["partner"]),
        "kind": ({"kind": "article"}, varied["kind"]),
        "date": (
            {"published_at_from": "2025-03-01", "published_at_to": "2025-03-31"},
            varied["date"],
        ),
        "tag": ({"tag": "Verkeer"}, varied["date"]),
        "wijk": ({"wijk": wijk.pk}, varied["kind"]),
    }
    for name, (query, dropped) in cases.items():
        page = partner_client.get(RESULTS, query).content.decode()
        assert dropped.title not in page, name
        assert varied["base"].title in page, name


def test_search_keeps_others_drafts_out(partner_client, other_partner):
    PostFactory(partner=other_partner, title="Geheime fietsbrug", status=Post.Status.DRAFT)
    PostFactory(partner=other_partner, title="Openbare fietsbrug")

    page = partner_client.get(RESULTS, {"q": "fietsbrug"}).content.decode()

    assert "Openbare fietsbrug" in page
    assert "Geheime fietsbrug" not in page


def csrf_client(user) -> Client:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    return client


def token_from_pool(client: Client) -> str:
    client.get(POOL)
    return client.cookies["csrftoken"].value


def test_take_over_makes_a_post_of_the_taker(partner_user, partner, elsewhere):
    client = csrf_client(partner_user)
    original = elsewhere["published"]

    response = client.post(
        take_over_url(original),
        {"csrfmiddlewaretoken": token_from_pool(client), "next": f"{POOL}?kind=article"},
    )

    copy = Post.objects.get(partner=partner)
    assert copy.title == original.title
    assert response.status_code == 302
    assert response["Location"] == f"{POOL}?kind=article"
    [message] = messages_of(response)
    assert message.level_tag == "success"
    assert reverse("wagtailsnippets_muurkrant_post:edit", args=[copy.pk]) in str(message)


def test_taking_over_ones_own_post_shows_why_not(partner_client, partner_user, partner, make_post):
    own = make_post(title="Eigen nieuws")
    with pytest.raises(takeover.TakeoverRefused) as refusal:
        takeover.take_over(own, partner, user=partner_user)

    response = partner_client.post(take_over_url(own))

    assert response.status_code == 302
    assert Post.objects.count() == 1
    [message] = messages_of(response)
    assert message.level_tag == "error"
    assert str(refusal.value) in str(message)


def test_take_over_without_csrf_token_is_refused(partner_user, elsewhere):
    response = csrf_client(partner_user).post(take_over_url(elsewhere["published"]))

    assert response.status_code == 403
    assert not Post.objects.filter(partner__memberships__user=partner_user).exists()


def test_get_on_take_over_does_nothing(partner_client, partner_user, elsewhere):
    response = partner_client.get(take_over_url(elsewhere["published"]))

    assert response.status_code == 405
    assert not Post.objects.filter(partner__memberships__user=partner_user).exists()


def test_another_partners_draft_cannot_be_taken_over(partner_client, partner, elsewhere):
    response = partner_client.post(take_over_url(elsewhere["draft"]))

    assert response.status_code == 404
    assert not Post.objects.filter(partner=partner).exists()


def test_a_member_of_two_partners_chooses_whom_to_take_over_for(partner_user, partner, elsewhere):
    second = PartnerFactory(name="Stadstv")
    MembershipFactory(user=partner_user, partner=second)
    client = Client()
    client.force_login(partner_user)

    page = client.get(POOL).content.decode()
    client.post(take_over_url(elsewhere["published"]), {"partner": second.pk})
    forged = client.post(take_over_url(elsewhere["published"]), {"partner": PartnerFactory().pk})

    assert f'<option value="{second.pk}">Stadstv</option>' in page
    assert Post.objects.filter(partner=second).count() == 1
    assert not Post.objects.filter(partner=partner).exists()
    assert refused(forged)


def test_anonymous_users_are_sent_to_log_in(client, elsewhere):
    listing = client.get(POOL)
    taking = client.post(take_over_url(elsewhere["published"]))

    assert listing.status_code == taking.status_code == 302
    assert "/admin/login/" in listing["Location"]
    assert "/admin/login/" in taking["Location"]
    assert Post.objects.count() == len(elsewhere)


def test_a_user_of_no_partner_is_refused(client, groups, elsewhere):
    outsider = UserFactory()
    outsider.groups.add(role_group(PARTNERS))
    client.force_login(outsider)

    dashboard = client.get("/admin/").content.decode()
    listing = client.get(POOL)
    taking = client.post(take_over_url(elsewhere["published"]))

    assert POOL not in dashboard
    assert refused(listing) and refused(taking)
    assert Post.objects.count() == len(elsewhere)


def test_editors_who_are_no_member_cannot_take_over(client, elsewhere):
    client.force_login(EditorFactory())

    response = client.post(take_over_url(elsewhere["published"]))

    assert refused(response)
    assert Post.objects.count() == len(elsewhere)


def test_the_menu_offers_the_pool_to_partner_users(partner_client):
    assert POOL in partner_client.get("/admin/").content.decode()


@pytest.mark.parametrize("rows", [5, 50])
def test_a_pool_page_costs_the_same_queries_for_5_and_50_rows(
    partner_client, partner, other_partner, make_post, django_assert_max_num_queries, rows
):
    wijk = WijkFactory()
    for number in range(rows):
        owner = other_partner if number % 2 else partner
        post = PostFactory(partner=owner, title=f"Bericht {number}")
        post.tags.add("verkeer")
        post.wijken.add(wijk)
        post.save()
    make_post(title="Eigen concept", status=Post.Status.DRAFT)

    with django_assert_max_num_queries(QUERIES_PER_PAGE):
        response = partner_client.get(POOL)

    assert response.content.decode().count('/take-over/"') == rows // 2
