"""Taking over another partner's post: permission, asking, the link to the original, and copies
that follow their original through corrections and withdrawals, on the wall and in the feeds."""

import json

import feedparser
import pytest
from django.conf import settings
from django.core import mail
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from feeds.ingest import ingest_entries
from feeds.parse import parse_feed
from muurkrant import moderation, takeover
from muurkrant.models import Post, TakeoverRequest
from tests.factories import PartnerFactory, PartnerUserFactory, SourceFactory, WijkFactory
from tests.muurkrant import test_api
from tests.muurkrant.test_api import issue_token
from tests.muurkrant.test_openapi import assert_documented

pytestmark = pytest.mark.django_db

# The API tests' fixtures: a token for the trusted partner "RTV Test" and a client using it.
api, token, isolated = test_api.api, test_api.token, test_api.isolated


@pytest.fixture
def owner(other_partner):
    """The owner of the originals: Radio Elders, with an address for notices."""
    other_partner.contact_email = "redactie@elders.example"
    other_partner.save()
    return other_partner


@pytest.fixture
def original(make_post, owner) -> Post:
    return make_post(
        partner=owner,
        title="Concert in het park",
        summary="Zaterdag",
        body="<p>Gratis toegang.</p>",
        link="https://elders.example/concert",
    )


@pytest.fixture
def taker_user(groups, partner):
    return PartnerUserFactory(
        username="overnemer", email="overnemer@rtv-test.example", partner=partner
    )


@pytest.fixture
def owner_user(groups, owner):
    return PartnerUserFactory(username="eigenaar", email="eigenaar@elders.example", partner=owner)


def set_permission(post: Post, permission: str) -> Post:
    post.takeover_permission = permission
    post.save()
    return post


# --- the domain -------------------------------------------------------------------------


def test_allowed_takeover_links_the_copy_to_its_original(original, partner, taker_user):
    copy = takeover.take_over(original, partner, user=taker_user)
    assert copy.original == original
    assert copy.partner == partner
    assert copy.status == Post.Status.PUBLISHED
    assert list(takeover.taken_over_by(original)) == [copy]


def test_the_partners_default_applies_until_a_post_chooses(original, owner, partner, taker_user):
    owner.takeover_permission = Post.Takeover.NOT_ALLOWED
    owner.save()
    original.refresh_from_db()
    with pytest.raises(takeover.TakeoverNotAllowed):
        takeover.take_over(original, partner, user=taker_user)
    set_permission(original, Post.Takeover.ALLOWED)
    assert isinstance(takeover.take_over(original, partner, user=taker_user), Post)


def test_taking_over_twice_names_the_first_copy(original, partner, taker_user):
    copy = takeover.take_over(original, partner, user=taker_user)
    with pytest.raises(takeover.AlreadyTakenOver) as refused:
        takeover.take_over(original, partner, user=taker_user)
    assert refused.value.copy == copy
    assert Post.objects.filter(original=original).count() == 1


def test_an_editor_overrides_a_refusal(original, partner, editor):
    set_permission(original, Post.Takeover.NOT_ALLOWED)
    copy = takeover.take_over(original, partner, user=editor)
    assert copy.original == original


def test_ask_then_approve_makes_the_copy_and_tells_both(
    original, partner, taker_user, owner_user, django_capture_on_commit_callbacks
):
    set_permission(original, Post.Takeover.ASK)

    with django_capture_on_commit_callbacks(execute=True):
        request = takeover.take_over(original, partner, user=taker_user)
    assert isinstance(request, TakeoverRequest)
    assert request.status == TakeoverRequest.Status.PENDING
    assert not Post.objects.filter(original=original).exists()
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {"redactie@elders.example", "eigenaar@elders.example"}
    assert "RTV Test" in mail.outbox[0].subject
    assert reverse("muurkrant_takeover_requests") in mail.outbox[0].body
    assert takeover.take_over(original, partner, user=taker_user) == request  # asked once

    with pytest.raises(PermissionDenied):
        takeover.decide(request, approve=True, user=taker_user)  # not the taker's to decide
    with django_capture_on_commit_callbacks(execute=True):
        takeover.decide(request, approve=True, user=owner_user)
    request.refresh_from_db()
    assert request.status == TakeoverRequest.Status.APPROVED
    assert request.decided_by == owner_user and request.decided_at
    assert request.copy.original == original and request.copy.partner == partner
    assert len(mail.outbox) == 2
    assert mail.outbox[1].to == ["overnemer@rtv-test.example"]
    assert mail.outbox[1].subject == "Overname goedgekeurd: Concert in het park"


def test_ask_then_decline_tells_the_asker(
    original, partner, taker_user, owner_user, django_capture_on_commit_callbacks
):
    set_permission(original, Post.Takeover.ASK)
    request = takeover.take_over(original, partner, user=taker_user)
    with django_capture_on_commit_callbacks(execute=True):
        takeover.decide(request, approve=False, user=owner_user)
    request.refresh_from_db()
    assert request.status == TakeoverRequest.Status.DECLINED
    assert request.copy is None
    assert not Post.objects.filter(original=original).exists()
    assert mail.outbox[-1].to == ["overnemer@rtv-test.example"]
    assert mail.outbox[-1].subject == "Overname afgewezen: Concert in het park"
    with pytest.raises(takeover.TakeoverRefused):
        takeover.decide(request, approve=True, user=owner_user)


# --- copies follow their original -------------------------------------------------------


def correct(post: Post, **changes) -> Post:
    """The owner corrects the post in the API's way: the moderation rule, then save."""
    before = moderation.stored_state(post)
    for name, value in changes.items():
        setattr(post, name, value)
    moderation.apply_change(post, before, actor=Post.Origin.PARTNER, trusted=post.partner.trusted)
    post.save()
    return post


def test_a_correction_reaches_the_copy(original, owner, partner, taker_user):
    owner.trusted = True
    owner.save()
    copy = takeover.take_over(original, partner, user=taker_user)
    correct(original, title="Concert gaat niet door", body="<p>Afgelast.</p>")
    copy.refresh_from_db()
    assert copy.title == "Concert gaat niet door"
    assert "Afgelast." in copy.body and "Overgenomen van" in copy.body
    assert copy.status == Post.Status.PUBLISHED


def test_a_correction_of_an_untrusted_takers_copy_waits_for_moderation(original, owner):
    owner.trusted = True
    owner.save()
    untrusted = PartnerFactory(name="Wijkblad", slug="wijkblad", trusted=False)
    copy = takeover.take_over(original, untrusted, user=None)
    moderation.approve(copy, None)
    correct(original, title="Concert verplaatst")
    copy.refresh_from_db()
    assert copy.title == "Concert verplaatst"
    assert copy.status == Post.Status.PENDING
    assert copy.approved_content["title"] == "Concert in het park"


@pytest.mark.parametrize("how", ["reject", "hide", "pending", "delete", "reports"])
def test_withdrawing_the_original_withdraws_the_copies(how, original, partner, editor, client):
    copy = takeover.take_over(original, partner, user=None)
    if how == "reject":
        moderation.reject(original, editor, "Klopt niet")
    elif how == "hide":
        moderation.hide(original, editor)
    elif how == "pending":
        correct(original, title="Anders")  # an untrusted owner's change waits for an editor
    elif how == "delete":
        original.delete()
    else:
        moderation.ModerationSettings.load()
        for n in range(10):
            moderation.record_report(original, "spam", "", f"vingerafdruk-{n}")
    copy.refresh_from_db()
    assert copy.status == Post.Status.WITHDRAWN
    cache.clear()
    assert client.get(copy.get_absolute_url()).status_code == 404
    assert "Concert in het park" not in client.get("/muurkrant/").text
    assert "Concert in het park" not in client.get("/feeds/partners/rtv-test.rss").text


def test_a_copy_returns_with_its_original(original, partner, editor):
    copy = takeover.take_over(original, partner, user=None)
    moderation.hide(original, editor)
    moderation.approve(original, editor)
    copy.refresh_from_db()
    assert copy.status == Post.Status.PUBLISHED


def test_a_rejected_copy_stays_rejected_when_its_original_comes_and_goes(original, partner, editor):
    copy = takeover.take_over(original, partner, user=None)
    moderation.reject(copy, editor, "Niet voor onze lezers")
    moderation.hide(original, editor)
    moderation.approve(original, editor)
    copy.refresh_from_db()
    assert copy.status == Post.Status.REJECTED


FEED = """<?xml version="1.0"?><rss version="2.0"><channel><title>Elders</title>
<item><guid>concert-1</guid><title>{title}</title><link>https://elders.example/c</link>
<description>Zaterdag in het park.</description></item></channel></rss>"""


def entries_of(title: str):
    document = FEED.format(title=title).encode()
    feed = parse_feed(document, url="https://elders.example/feed", fetched_at=timezone.now())
    return feed.entries


def test_a_feed_correction_of_the_original_reaches_the_copy(owner, partner):
    source = SourceFactory(partner=owner, trusted=True)
    ingest_entries(source, entries_of("Concert"))
    original = Post.objects.get(source=source)
    copy = takeover.take_over(original, partner, user=None)
    ingest_entries(source, entries_of("Concert verplaatst"))
    copy.refresh_from_db()
    assert copy.title == "Concert verplaatst"


# --- via: the page and the feeds ---------------------------------------------------------


def test_the_copy_shows_via_with_a_link_to_the_original(client, original, partner):
    copy = takeover.take_over(original, partner, user=None)
    page = client.get(copy.get_absolute_url()).text
    assert "via" in page and "Radio Elders" in page
    assert f'href="{original.get_absolute_url()}"' in page
    card = client.get("/partners/rtv-test/").text
    assert f'href="{original.get_absolute_url()}"' in card


def test_feeds_out_carry_the_original(client, original, partner):
    copy = takeover.take_over(original, partner, user=None)
    original_url = f"{settings.SITE_URL}{original.get_absolute_url()}"
    rss = feedparser.parse(client.get("/feeds/partners/rtv-test.rss").content)
    (item,) = rss.entries
    assert item.source.title == "Radio Elders"
    assert item.source.href.endswith("/feeds/partners/radio-elders.rss")
    atom = feedparser.parse(client.get("/feeds/partners/rtv-test.atom").content)
    (entry,) = atom.entries
    via = [link for link in entry.links if link.rel == "via"]
    assert [link.href for link in via] == [original_url]
    feed = json.loads(client.get("/feeds/partners/rtv-test.json").content)
    (json_item,) = feed["items"]
    assert json_item["_muurkrant"]["via"] == {
        "post_id": original.pk,
        "url": original_url,
        "partner": "Radio Elders",
        "partner_url": f"{settings.SITE_URL}/partners/radio-elders/",
    }
    assert copy.pk == json_item["_muurkrant"]["post_id"]


# --- the API ----------------------------------------------------------------------------


def test_api_takeover_answers_by_permission(api, original, owner):
    assert api("post", f"/pool/{original.pk}/takeover").status_code == 201
    again = api("post", f"/pool/{original.pk}/takeover")
    assert again.status_code == 409
    copy = Post.objects.get(original=original)
    assert again.json()["existing_copy"]["id"] == copy.pk

    asked = api("post", "/posts", {"title": "Vraag eerst"})  # an own post: 422 to take over
    assert api("post", f"/pool/{asked.json()['id']}/takeover").status_code == 422

    second = Post.objects.create(partner=owner, title="Vragen", status=Post.Status.PUBLISHED)
    set_permission(second, Post.Takeover.ASK)
    answer = api("post", f"/pool/{second.pk}/takeover")
    assert answer.status_code == 202
    request = TakeoverRequest.objects.get()
    assert answer.json() == {"id": request.pk, "status": "pending"}

    third = Post.objects.create(partner=owner, title="Niet", status=Post.Status.PUBLISHED)
    set_permission(third, Post.Takeover.NOT_ALLOWED)
    pool = {item["id"]: item for item in api("get", "/pool").json()["items"]}
    assert pool[third.pk]["takeover_permission"] == "not_allowed"
    assert pool[second.pk]["takeover_permission"] == "ask"
    assert api("post", f"/pool/{third.pk}/takeover").status_code == 403
    assert api("post", "/pool/999999/takeover").status_code == 404


def test_the_owner_sees_who_took_it_over(api, client, original, partner, owner):
    copy = takeover.take_over(original, partner, user=None)
    owner_token = issue_token(owner)
    response = api("get", f"/posts/{original.pk}", token=owner_token)
    assert response.json()["taken_over_by"] == [
        {"partner": "rtv-test", "partner_name": "RTV Test", "post_id": copy.pk}
    ]
    assert api("get", f"/posts/{copy.pk}").json()["original"]["id"] == original.pk


def test_the_api_sets_the_takeover_permission(api):
    created = api("post", "/posts", {"title": "Eigen", "takeover_permission": "ask"})
    post = Post.objects.get(pk=created.json()["id"])
    assert post.takeover_permission == "ask"
    changed = api("patch", f"/posts/{post.pk}", {"takeover_permission": "not_allowed"})
    assert changed.json()["takeover_permission"] == "not_allowed"
    assert api("patch", f"/posts/{post.pk}", {"takeover_permission": "x"}).status_code == 422


def test_the_pool_filters_by_wijk_search_and_since(api, make_post, owner):
    noord = WijkFactory(name="Noord")
    in_noord = make_post(partner=owner, title="Markt in Noord")
    in_noord.wijken.set([noord])
    in_noord.save()
    make_post(partner=owner, title="Brug in Zuid")
    titles = lambda query: [item["title"] for item in api("get", f"/pool?{query}").json()["items"]]  # noqa: E731
    assert titles("wijk=noord") == ["Markt in Noord"]
    assert titles("q=brug") == ["Brug in Zuid"]
    later = in_noord.published_at.isoformat().replace("+00:00", "Z")
    Post.objects.filter(title="Brug in Zuid").update(published_at="2001-01-01T00:00:00Z")
    response = api("get", f"/pool?since={later}")
    assert [item["title"] for item in response.json()["items"]] == ["Markt in Noord"], response.text


def test_a_partner_never_sees_nor_edits_anothers_posts(api, make_post, owner):
    draft = make_post(partner=owner, title="Concept", status=Post.Status.DRAFT)
    published = make_post(partner=owner, title="Openbaar")
    assert "Concept" not in api("get", "/pool").text
    assert api("get", f"/posts/{draft.pk}").status_code == 404
    assert api("get", f"/posts/{published.pk}").status_code == 404
    assert api("patch", f"/posts/{published.pk}", {"title": "Gekaapt"}).status_code == 404
    assert api("delete", f"/posts/{published.pk}").status_code == 404
    assert api("post", f"/pool/{draft.pk}/takeover").status_code == 404
    published.refresh_from_db()
    assert published.title == "Openbaar"


# --- the admin --------------------------------------------------------------------------


def test_the_owner_answers_requests_in_the_admin(client, original, partner, taker_user, owner_user):
    set_permission(original, Post.Takeover.ASK)
    request = takeover.take_over(original, partner, user=taker_user)
    url = reverse("muurkrant_takeover_requests")

    client.force_login(taker_user)  # the asker cannot answer its own request
    assert "Concert in het park" not in client.get(url).text
    decide = reverse("muurkrant_takeover_decide", args=[request.pk, "approve"])
    assert client.post(decide).status_code == 404
    assert client.get(decide).status_code in (404, 405)

    client.force_login(owner_user)
    listing = client.get(url)
    assert listing.status_code == 200
    assert "Concert in het park" in listing.text and "RTV Test" in listing.text
    assert "<script>" not in listing.text and "style=" not in listing.text
    assert client.post(decide).status_code == 302
    request.refresh_from_db()
    assert request.status == TakeoverRequest.Status.APPROVED


def test_the_owner_sees_the_copies_on_the_inspect_view(client, original, partner, owner_user):
    takeover.take_over(original, partner, user=None)
    client.force_login(owner_user)
    inspect = client.get(reverse("wagtailsnippets_muurkrant_post:inspect", args=[original.pk]))
    assert inspect.status_code == 200
    assert "RTV Test" in inspect.text


def test_the_post_form_offers_the_takeover_permission(client, original, owner_user):
    client.force_login(owner_user)
    form = client.get(reverse("wagtailsnippets_muurkrant_post:edit", args=[original.pk]))
    assert 'name="takeover_permission"' in form.text


def test_takeover_answers_have_their_documented_shapes(client, api, original, owner):
    schema = client.get("/api/v1/openapi.json").json()
    path = "/pool/{post_id}/takeover"
    asking = Post.objects.create(partner=owner, title="Vraag", status=Post.Status.PUBLISHED)
    refusing = Post.objects.create(partner=owner, title="Nee", status=Post.Status.PUBLISHED)
    set_permission(asking, Post.Takeover.ASK)
    set_permission(refusing, Post.Takeover.NOT_ALLOWED)
    answers = [
        api("post", f"/pool/{original.pk}/takeover"),
        api("post", f"/pool/{original.pk}/takeover"),
        api("post", f"/pool/{asking.pk}/takeover"),
        api("post", f"/pool/{refusing.pk}/takeover"),
        api("post", "/pool/999999/takeover"),
    ]
    assert [answer.status_code for answer in answers] == [201, 409, 202, 403, 404]
    for answer in answers:
        assert_documented(schema, answer, "post", path)
    mine = api("get", "/posts").json()["items"][0]
    assert mine["original"]["partner"] == "radio-elders"
    assert_documented(schema, api("get", "/pool"), "get", "/pool")
    assert_documented(schema, api("get", f"/posts/{mine['id']}"), "get", "/posts/{post_id}")
