"""The one moderation rule, driven through every way a post changes: feed, admin, API, takeover.

The expected statuses are written out here, not computed: this table is the rule as editors and
partners were promised it.
"""

import json

import pytest
from django.contrib.auth.models import Group
from wagtail.test.utils.form_data import rich_text

from feeds.ingest import ingest_document
from feeds.models import Source
from mediahub.models import Membership, Partner
from mediahub.roles import PARTNERS
from muurkrant.models import ModerationSettings, Post
from tests.muurkrant.test_api import issue_token

KEYWORD = "sloopvergunning"
POSTS = "/admin/snippets/muurkrant/post/"

PUBLISHED, PENDING, REJECTED, HIDDEN = "published", "pending", "rejected", "hidden"
CHANGES = ("none", "visible", "keyword")  # tags only; the title; a moderation keyword in the body

# (trusted, prior) → statuses after a change of kind none, visible, keyword, by a feed or partner.
BY_FEED_OR_PARTNER = {
    (True, PUBLISHED): (PUBLISHED, PUBLISHED, PENDING),
    (True, PENDING): (PENDING, PUBLISHED, PENDING),
    (True, HIDDEN): (HIDDEN, HIDDEN, HIDDEN),
    (False, PUBLISHED): (PUBLISHED, PENDING, PENDING),
    (False, PENDING): (PENDING, PENDING, PENDING),
    (False, HIDDEN): (HIDDEN, HIDDEN, HIDDEN),
}
# (actor, trusted, prior) → statuses after a change of kind none, visible, keyword.
EXPECTED = {
    **{
        (actor, trusted, prior): after
        for actor in ("feed", "partner-admin", "partner-api")
        for (trusted, prior), after in BY_FEED_OR_PARTNER.items()
    },
    # A partner's edit of a rejected post asks again; a feed's update of it asks nothing.
    **{
        (actor, trusted, REJECTED): (REJECTED, PENDING, PENDING)
        for actor in ("partner-admin", "partner-api")
        for trusted in (True, False)
    },
    **{("feed", trusted, REJECTED): (REJECTED,) * 3 for trusted in (True, False)},
    # The editors' own edits publish, but never undo a rejection or a hiding.
    **{
        ("editor", trusted, prior): after
        for trusted in (True, False)
        for prior, after in {
            PUBLISHED: (PUBLISHED,) * 3,
            PENDING: (PUBLISHED,) * 3,
            REJECTED: (REJECTED,) * 3,
            HIDDEN: (HIDDEN,) * 3,
        }.items()
    },
}
# New posts: (actor, trusted) → status with plain text, with a moderation keyword.
EXPECTED_NEW = {
    **{
        (actor, True): (PUBLISHED, PENDING)
        for actor in ("feed", "partner-admin", "partner-api", "takeover")
    },
    **{
        (actor, False): (PENDING, PENDING)
        for actor in ("feed", "partner-admin", "partner-api", "takeover")
    },
    ("editor", True): (PUBLISHED, PUBLISHED),
    ("editor", False): (PUBLISHED, PUBLISHED),
}


@pytest.fixture(autouse=True)
def keyword(db):
    settings = ModerationSettings.load()
    settings.keywords = KEYWORD
    settings.save()


def make_partner(trusted: bool) -> Partner:
    slug = "vertrouwd" if trusted else "nieuwkomer"
    return Partner.objects.create(name=slug.title(), slug=slug, trusted=trusted)


def member_of(partner: Partner, django_user_model):
    user = django_user_model.objects.create_user(f"lid-{partner.slug}", password="pw-lid-1")
    user.groups.add(Group.objects.get(name=PARTNERS))
    Membership.objects.create(user=user, partner=partner)
    return user


def feed(title: str, body: str = "Over de brug", category: str = "verkeer") -> bytes:
    return (
        "<?xml version='1.0' encoding='utf-8'?><rss version='2.0'><channel><title>T</title>"
        "<link>https://omroep.example.nl/</link><item><guid isPermaLink='false'>1</guid>"
        f"<title>{title}</title><link>https://omroep.example.nl/1</link>"
        f"<description>&lt;p&gt;{body}&lt;/p&gt;</description><category>{category}</category>"
        "<pubDate>Mon, 02 Nov 2026 10:00:00 +0100</pubDate></item></channel></rss>"
    ).encode()


def changed_fields(change: str) -> dict:
    """Title, body and tags after a change of the given kind (the original is 'Brug open')."""
    return {
        "none": {"title": "Brug open", "body": "Over de brug", "tags": "weg"},
        "visible": {"title": "Brug weer dicht", "body": "Over de brug", "tags": "verkeer"},
        "keyword": {"title": "Brug open", "body": f"Over de {KEYWORD}", "tags": "verkeer"},
    }[change]


def admin_form(post: Post, title: str, body: str, tags: str) -> dict:
    return {
        "title": title,
        "partner": post.partner_id,
        "kind": post.kind,
        "summary": post.summary,
        "body": rich_text(f"<p>{body}</p>"),
        "language": "nl",
        "published_at": "2026-11-02 10:00",
        "tags": tags,
    }


class Paths:
    """Each way a post is written, with the same three steps: create, set a status, change."""

    def __init__(self, client, django_user_model, editor):
        self.client = client
        self.users = django_user_model
        self.editor = editor

    def create(self, actor: str, partner: Partner, body: str = "Over de brug") -> Post:
        title = "Brug open"
        if actor == "feed":
            source = Source.objects.create(
                partner=partner, url="https://omroep.example.nl/feed", trusted=partner.trusted
            )
            ingest_document(source, feed(title, body))
            return Post.objects.get(source=source)
        if actor == "partner-api":
            response = self._api(partner, "post", "/posts", {"title": title, "body": body})
            assert response.status_code == 201, response.content
            return Post.objects.get(pk=response.json()["id"])
        if actor == "takeover":
            other = Partner.objects.create(name="Bron", slug="bron", trusted=True)
            original = Post.objects.create(
                partner=other, title=title, body=f"<p>{body}</p>", status=PUBLISHED
            )
            response = self._api(partner, "post", f"/pool/{original.pk}/takeover")
            assert response.status_code == 201, response.content
            return Post.objects.get(pk=response.json()["id"])
        user = self.editor if actor == "editor" else member_of(partner, self.users)
        self.client.force_login(user)
        data = admin_form(Post(partner=partner), title, body, "verkeer")
        response = self.client.post(f"{POSTS}add/", data)
        assert response.status_code == 302, response.context["form"].errors
        return Post.objects.get(partner=partner, title=title)

    def change(self, actor: str, post: Post, change: str) -> None:
        fields = changed_fields(change)
        if actor == "feed":
            ingest_document(post.source, feed(fields["title"], fields["body"], fields["tags"]))
        elif actor == "partner-api":
            data = {**fields, "body": f"<p>{fields['body']}</p>", "tags": [fields["tags"]]}
            response = self._api(post.partner, "patch", f"/posts/{post.pk}", data)
            assert response.status_code == 200, response.content
        else:
            user = self.editor if actor == "editor" else member_of(post.partner, self.users)
            self.client.force_login(user)
            response = self.client.post(f"{POSTS}edit/{post.pk}/", admin_form(post, **fields))
            assert response.status_code == 302, response.context["form"].errors

    def _api(self, partner: Partner, method: str, path: str, data=None):
        token = issue_token(partner)
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
        if data is not None:
            kwargs.update(data=json.dumps(data), content_type="application/json")
        return getattr(self.client, method)(f"/api/v1{path}", **kwargs)


@pytest.fixture
def paths(client, django_user_model, editor) -> Paths:
    return Paths(client, django_user_model, editor)


@pytest.mark.parametrize(("actor", "trusted", "prior"), sorted(EXPECTED))
@pytest.mark.parametrize("change", CHANGES)
def test_status_after_a_change(paths, actor, trusted, prior, change):
    partner = make_partner(trusted)
    post = paths.create("feed" if actor == "feed" else "partner-api", partner)
    Post.objects.filter(pk=post.pk).update(status=prior)

    paths.change(actor, Post.objects.get(pk=post.pk), change)

    post.refresh_from_db()
    assert post.status == EXPECTED[actor, trusted, prior][CHANGES.index(change)]
    if change != "none":
        assert post.title == changed_fields(change)["title"]  # the change itself was kept


@pytest.mark.parametrize(("actor", "trusted"), sorted(EXPECTED_NEW))
@pytest.mark.parametrize("flagged", [False, True])
def test_status_of_a_new_post(paths, actor, trusted, flagged):
    body = f"Over de {KEYWORD}" if flagged else "Over de brug"

    post = paths.create(actor, make_partner(trusted), body=body)

    assert post.status == EXPECTED_NEW[actor, trusted][flagged]


def test_a_feed_cannot_rewrite_an_approved_post_past_the_editors(client, paths, editor):
    """The bypass: approve a harmless item of an untrusted feed, then change it in the feed."""
    post = paths.create("feed", make_partner(trusted=False))
    client.force_login(editor)
    client.post(f"{POSTS}moderate/{post.pk}/approve/")
    post.refresh_from_db()
    assert post.status == PUBLISHED
    assert client.get("/muurkrant/").text.count("Brug open") == 1

    ingest_document(post.source, feed("Koop nu goedkope pillen", "Klik hier"))

    post.refresh_from_db()
    assert post.status == PENDING
    assert "Koop nu" not in client.get("/muurkrant/").text
    assert post.approved_content["title"] == "Brug open"


def test_the_editor_sees_what_changed_since_the_approval(client, paths, editor):
    partner = make_partner(trusted=False)
    post = paths.create("partner-api", partner)
    Post.objects.filter(pk=post.pk).update(status=PUBLISHED)
    paths.change("partner-api", Post.objects.get(pk=post.pk), "visible")

    client.force_login(editor)
    page = client.get(f"{POSTS}inspect/{post.pk}/").text

    assert "Brug open" in page and "Brug weer dicht" in page
    assert '<span class="deletion">open</span>' in page
    assert '<span class="addition">weer dicht</span>' in page

    client.post(f"{POSTS}moderate/{post.pk}/approve/")
    post.refresh_from_db()
    assert (post.status, post.approved_content) == (PUBLISHED, None)
    assert "deletion" not in client.get(f"{POSTS}inspect/{post.pk}/").text


def test_an_editor_publishing_by_edit_is_in_the_audit_log(paths, client, editor):
    post = paths.create("partner-api", make_partner(trusted=False))
    client.force_login(editor)

    paths.change("editor", post, "visible")

    post.refresh_from_db()
    assert post.status == PUBLISHED
    history = client.get(f"{POSTS}history/{post.pk}/").text
    assert "redacteur" in history
