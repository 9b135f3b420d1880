"""The editors' moderation tools: the pending badge, "approve and next", the queue's size and age,
and the rejection reason on the post's edit page."""

from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.users.models import UserProfile

from mediahub.models import PartnerLogEntry
from muurkrant import moderation
from muurkrant.models import Post
from tests.admin_scoping import refused

POSTS = "/admin/snippets/muurkrant/post/"
QUEUE = f"{POSTS}moderation/"


def in_english(user):
    """The admin speaks Dutch by default; these tests read the English strings."""
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(in_english(editor))
    return client


@pytest.fixture
def english_partner_client(client, partner_user):
    client.force_login(in_english(partner_user))
    return client


@pytest.fixture
def queue(make_post, other_partner) -> list[Post]:
    """Three posts waiting, oldest first, two of another partner; and one already published."""
    now = timezone.now()
    posts = [
        make_post(partner=other_partner, title="Eerste", status=Post.Status.PENDING),
        make_post(title="Tweede", status=Post.Status.PENDING),
        make_post(partner=other_partner, title="Derde", status=Post.Status.PENDING),
    ]
    for age, post in zip((3, 2, 1), posts, strict=True):
        Post.objects.filter(pk=post.pk).update(created_at=now - timedelta(days=age, hours=1))
    make_post(title="Al gepubliceerd")
    return posts


def decide(client, post: Post, decision: str, **data):
    return client.post(f"{POSTS}moderate/{post.pk}/{decision}/", data)


def inspect_url(post: Post) -> str:
    return f"{POSTS}inspect/{post.pk}/"


def test_editor_sees_the_pending_count_on_the_queue_in_the_menu(editor_client, queue):
    page = editor_client.get("/admin/").content.decode()

    assert "Moderation queue (3)" in page


def test_the_badge_is_absent_when_nothing_waits(editor_client, make_post):
    make_post(title="Al gepubliceerd")

    page = editor_client.get("/admin/").content.decode()

    assert "Moderation queue" in page
    assert "Moderation queue (" not in page


def test_partner_user_sees_only_their_own_pending_count(english_partner_client, queue):
    page = english_partner_client.get("/admin/").content.decode()

    assert "Posts (1)" in page
    assert "Moderation queue" not in page
    assert "(3)" not in page


def test_the_badge_costs_one_query_when_cold_and_none_when_warm(editor_client, make_post, queue):
    editor_client.get("/admin/")
    with CaptureQueriesContext(connection) as warm:
        editor_client.get("/admin/")
    make_post(title="Nog een", status=Post.Status.PENDING)  # a save forgets the cached count
    with CaptureQueriesContext(connection) as cold:
        page = editor_client.get("/admin/").content.decode()

    assert "Moderation queue (4)" in page
    assert len(cold) == len(warm) + 1


def test_a_decision_updates_the_badge(editor_client, editor, queue):
    editor_client.get("/admin/")
    moderation.approve(queue[0], editor)

    assert "Moderation queue (2)" in editor_client.get("/admin/").content.decode()


def test_approve_and_next_walks_the_queue_and_ends_at_the_queue(editor_client, queue):
    first, second, third = queue

    to_second = decide(editor_client, first, "approve", then="next")
    to_third = decide(editor_client, second, "approve", then="next")
    to_queue = decide(editor_client, third, "approve", then="next")

    assert to_second.url == inspect_url(second)
    assert to_third.url == inspect_url(third)
    assert to_queue.url == QUEUE
    assert set(
        Post.objects.filter(pk__in=[p.pk for p in queue]).values_list("status", flat=True)
    ) == {"published"}
    texts = [str(m) for m in get_messages(to_queue.wsgi_request)]
    with translation.override("nl"):
        assert gettext("No more posts are waiting after this one.") in texts


def test_reject_and_next_opens_the_next_post(editor_client, queue):
    first, second, _ = queue

    response = decide(editor_client, first, "reject", reason="Geen bron", then="next")

    assert response.url == inspect_url(second)
    first.refresh_from_db()
    assert (first.status, first.rejection_reason) == ("rejected", "Geen bron")


def test_a_rejection_without_reason_stays_on_the_post(editor_client, queue):
    response = decide(editor_client, queue[0], "reject", reason=" ", then="next")

    assert response.url == inspect_url(queue[0])


def test_review_page_of_a_pending_post_offers_approve_and_next(editor_client, queue):
    page = editor_client.get(inspect_url(queue[0])).content.decode()

    assert "Approve and next" in page
    assert "Reject and next" in page
    assert 'name="then" value="next"' in page


def test_partner_user_cannot_approve_and_next(english_partner_client, queue):
    own = queue[1]

    response = decide(english_partner_client, own, "approve", then="next")

    assert refused(response)
    own.refresh_from_db()
    assert own.status == "pending"
    assert not PartnerLogEntry.objects.for_instance(own).exists()


def test_the_queue_says_how_many_wait_and_since_when(editor_client, queue):
    page = editor_client.get(QUEUE).content.decode().replace("\xa0", " ")  # as timesince writes

    assert "3 posts are waiting for a decision" in page
    assert "the oldest for 3 days" in page


def test_the_queue_age_reads_in_dutch(client, editor, queue):
    client.force_login(editor)  # the admin's default language

    page = client.get(QUEUE).content.decode().replace("\xa0", " ")

    assert "3 dagen" in page


def test_an_empty_queue_says_so(editor_client, make_post):
    make_post(title="Al gepubliceerd")

    page = editor_client.get(QUEUE).content.decode()

    assert "No posts are waiting for a decision." in page


def test_partner_user_sees_the_rejection_reason_on_the_edit_page(
    english_partner_client, editor, make_post
):
    post = make_post(title="Afgewezen", status=Post.Status.PENDING)
    moderation.reject(post, editor, "Geen bron vermeld")

    page = english_partner_client.get(f"{POSTS}edit/{post.pk}/").content.decode()

    assert "Rejected by the editors (redacteur, " in page
    assert "Geen bron vermeld" in page
    assert "the editors will look at it again" in page


def test_no_rejection_panel_on_a_post_that_was_not_rejected(english_partner_client, make_post):
    post = make_post(title="Gewoon", status=Post.Status.PENDING)

    page = english_partner_client.get(f"{POSTS}edit/{post.pk}/").content.decode()

    assert "Rejected by the editors" not in page


def test_the_queue_searches_as_the_wall_does(editor_client, make_post, queue):
    bridge = make_post(title="Fietsbrug wacht op goedkeuring", status=Post.Status.PENDING)

    found = editor_client.get(f"{QUEUE}results/", {"q": "brug"})

    assert bridge.title.encode() in found.content
    assert all(post.title.encode() not in found.content for post in queue)
