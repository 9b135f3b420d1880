"""Editors' decisions on posts: by POST only, for editors only, written to the audit log."""

import pytest
from django.core import mail
from django.test import Client

from mediahub.models import PartnerLogEntry
from muurkrant.models import AbuseReport, ModerationSettings, Post
from muurkrant.moderation import record_report
from tests.factories import PartnerUserFactory

POSTS = "/admin/snippets/muurkrant/post/"


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client


@pytest.fixture
def pending(make_post, other_partner) -> Post:
    other_partner.contact_email = "redactie@elders.example"
    other_partner.save()
    return make_post(partner=other_partner, title="Wacht op oordeel", status=Post.Status.PENDING)


def decide(client, post: Post, decision: str, **data):
    return client.post(f"{POSTS}moderate/{post.pk}/{decision}/", data)


def last_log(post: Post) -> PartnerLogEntry:
    return PartnerLogEntry.objects.for_instance(post).order_by("-id").first()


def test_editor_approves_and_the_audit_log_says_who(editor_client, editor, pending):
    response = decide(editor_client, pending, "approve")

    assert response.status_code == 302
    pending.refresh_from_db()
    assert pending.status == "published"
    entry = last_log(pending)
    assert (entry.action, entry.user) == ("muurkrant.approve", editor)


def test_reject_needs_a_reason(editor_client, pending):
    decide(editor_client, pending, "reject", reason="  ")

    pending.refresh_from_db()
    assert pending.status == "pending"
    assert not PartnerLogEntry.objects.for_instance(pending).exists()


def test_reject_tells_the_partner_why(
    editor_client, editor, pending, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        decide(editor_client, pending, "reject", reason="Geen bron vermeld")

    pending.refresh_from_db()
    assert (pending.status, pending.rejection_reason) == ("rejected", "Geen bron vermeld")
    entry = last_log(pending)
    assert (entry.action, entry.user, entry.data["reason"]) == (
        "muurkrant.reject",
        editor,
        "Geen bron vermeld",
    )
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["redactie@elders.example"]
    assert "Geen bron vermeld" in mail.outbox[0].body


def test_rejection_mail_reaches_the_members_too(pending, editor):
    from muurkrant.notify import partner_recipients

    PartnerUserFactory(username="lid", email="lid@elders.example", partner=pending.partner)

    assert partner_recipients(pending) == ["redactie@elders.example", "lid@elders.example"]


def test_history_shows_the_decision_with_who_and_why(editor_client, pending):
    decide(editor_client, pending, "reject", reason="Geen bron vermeld")

    response = editor_client.get(f"{POSTS}history/{pending.pk}/")

    assert b"Geen bron vermeld" in response.content
    assert b"redacteur" in response.content


def test_hide_pin_and_expire(editor_client, make_post):
    post = make_post()

    decide(editor_client, post, "pin", until="2030-05-01 12:00")
    decide(editor_client, post, "expire", at="2030-06-01 12:00")
    decide(editor_client, post, "hide", reason="Even uit de lucht")

    post.refresh_from_db()
    assert post.status == "hidden"
    assert post.pinned_until.year == post.expires_at.year == 2030
    actions = list(PartnerLogEntry.objects.for_instance(post).values_list("action", flat=True))
    assert sorted(actions) == ["muurkrant.expire", "muurkrant.hide", "muurkrant.pin"]


def test_decisions_are_post_only(editor_client, pending):
    response = editor_client.get(f"{POSTS}moderate/{pending.pk}/approve/")

    assert response.status_code == 405


def test_decisions_need_the_csrf_token(editor, pending):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    response = decide(client, pending, "approve")

    assert response.status_code == 403
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_partner_users_cannot_decide(client, partner_user, make_post):
    own = make_post(status=Post.Status.PENDING)
    client.force_login(partner_user)

    decide(client, own, "approve")
    queue = client.get(f"{POSTS}moderation/")

    own.refresh_from_db()
    assert own.status == "pending"
    assert queue.status_code in (302, 403)


def test_queue_lists_pending_oldest_first_then_reported(editor_client, make_post):
    make_post(title="Gewoon gepubliceerd")
    reported = make_post(title="Gemeld bericht", report_count=2)
    newer = make_post(title="Nieuwere", status=Post.Status.PENDING)
    older = make_post(title="Oudere", status=Post.Status.PENDING)
    Post.objects.filter(pk=older.pk).update(created_at=newer.created_at.replace(year=2020))

    response = editor_client.get(f"{POSTS}moderation/")

    listed = [post.title for post in response.context["object_list"]]
    assert listed == ["Oudere", "Nieuwere", "Gemeld bericht"]
    assert reported.title.encode() in response.content


def test_review_page_shows_the_post_and_its_reports(editor_client, make_post):
    post = make_post(title="Gemeld", body="<p>De tekst</p>")
    record_report(post, "spam", "Reclame", "abc")

    response = editor_client.get(f"{POSTS}inspect/{post.pk}/")

    assert b"De tekst" in response.content
    assert b"Reclame" in response.content


def test_bulk_approve(editor_client, editor, make_post):
    posts = [make_post(title=f"Bericht {i}", status=Post.Status.PENDING) for i in range(2)]
    ids = "&".join(f"id={post.pk}" for post in posts)

    response = editor_client.post(f"/admin/bulk/muurkrant/post/approve/?{ids}")

    assert response.status_code == 302
    assert set(Post.objects.values_list("status", flat=True)) == {"published"}
    assert PartnerLogEntry.objects.filter(action="muurkrant.approve", user=editor).count() == 2


def test_bulk_reject_needs_a_reason(editor_client, make_post):
    post = make_post(status=Post.Status.PENDING)
    url = f"/admin/bulk/muurkrant/post/reject/?id={post.pk}"

    editor_client.post(url, {"reason": ""})
    post.refresh_from_db()
    assert post.status == "pending"

    editor_client.post(url, {"reason": "Dubbel"})
    post.refresh_from_db()
    assert (post.status, post.rejection_reason) == ("rejected", "Dubbel")


def test_reports_hide_the_post_at_the_threshold(make_post):
    settings = ModerationSettings.load()
    settings.report_threshold = 2
    settings.save()
    post = make_post()

    record_report(post, "spam", "", "a")
    assert post.status == "published"
    report = record_report(post, "hateful", "Nare taal", "b")

    post.refresh_from_db()
    assert isinstance(report, AbuseReport)
    assert (post.status, post.report_count) == ("hidden", 2)
    assert last_log(post).action == "muurkrant.auto_hide"


def test_approving_a_reported_post_resolves_its_reports(editor_client, make_post):
    post = make_post()
    for fingerprint in "abc":
        record_report(post, "spam", "", fingerprint)

    decide(editor_client, post, "approve")

    post.refresh_from_db()
    assert (post.status, post.report_count) == ("published", 0)
    assert not post.reports.filter(resolved=False).exists()
