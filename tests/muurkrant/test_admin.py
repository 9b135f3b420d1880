"""Posts in the admin: a partner user reaches only their own partner's posts, by any URL."""

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import rich_text

from mediahub.models import Partner
from muurkrant.models import Post
from tests.admin_scoping import refused
from tests.factories import ImageFactory, PartnerUserFactory

POSTS = "/admin/snippets/muurkrant/post/"
SECRET = "Geheim van Elders"


@pytest.fixture
def foreign_post(make_post, other_partner) -> Post:
    return make_post(partner=other_partner, title=SECRET, status=Post.Status.PENDING)


@pytest.fixture
def own_post(make_post) -> Post:
    return make_post(title="Eigen bericht")


@pytest.fixture
def untrusted_client(client, groups, other_partner):
    client.force_login(PartnerUserFactory(username="eldersmens", partner=other_partner))
    return client


def post_data(partner: Partner, **fields) -> dict:
    data = {
        "title": "Nieuwe fietsbrug",
        "partner": partner.pk,
        "kind": "article",
        "summary": "Een samenvatting",
        "body": rich_text("<p>Tekst</p>"),
        "language": "nl",
        "published_at": "2025-01-10 10:00",
        "tags": "",
    }
    data.update(fields)
    return data


def test_listing_and_search_show_only_own_posts(partner_client, own_post, foreign_post):
    listing = partner_client.get(POSTS)
    search = partner_client.get(f"{POSTS}results/", {"q": "Geheim"})

    assert own_post.title.encode() in listing.content
    assert SECRET.encode() not in listing.content
    assert SECRET.encode() not in search.content


def test_bulk_delete_ignores_another_partners_post(partner_client, own_post, foreign_post):
    url = f"/admin/bulk/muurkrant/post/delete/?id={foreign_post.pk}"

    confirm = partner_client.get(url)
    submit = partner_client.post(url)
    everything = partner_client.get("/admin/bulk/muurkrant/post/delete/?id=all")

    assert (confirm.status_code, submit.status_code) == (404, 404)
    assert Post.objects.filter(pk=foreign_post.pk).exists()
    assert own_post.title.encode() in everything.content
    assert SECRET.encode() not in everything.content


def test_bulk_delete_of_own_post_works(partner_client, own_post):
    response = partner_client.post(f"/admin/bulk/muurkrant/post/delete/?id={own_post.pk}")

    assert response.status_code == 302
    assert not Post.objects.filter(pk=own_post.pk).exists()


def test_chooser_offers_only_own_posts(partner_client, own_post, foreign_post):
    choose = partner_client.get(reverse("wagtailsnippetchoosers_muurkrant_post:choose"))
    chosen = partner_client.get(
        reverse("wagtailsnippetchoosers_muurkrant_post:chosen", args=[foreign_post.pk])
    )

    assert own_post.title.encode() in choose.content
    assert SECRET.encode() not in choose.content
    assert chosen.status_code == 404


@pytest.mark.parametrize("action", ["approve", "reject"])
def test_partner_user_cannot_use_moderation_bulk_actions(partner_client, foreign_post, action):
    response = partner_client.post(
        f"/admin/bulk/muurkrant/post/{action}/?id={foreign_post.pk}", {"reason": "nee"}
    )

    assert refused(response)
    foreign_post.refresh_from_db()
    assert foreign_post.status == "pending"


def test_create_form_offers_only_own_partner_preselected(partner_client, partner, other_partner):
    response = partner_client.get(f"{POSTS}add/")

    field = response.context["form"].fields["partner"]
    assert list(field.queryset) == [partner]
    assert field.initial == partner.pk
    assert "status" not in response.context["form"].fields


def test_create_with_forged_partner_saves_nothing(partner_client, other_partner):
    response = partner_client.post(f"{POSTS}add/", post_data(other_partner))

    assert response.status_code == 200
    assert "partner" in response.context["form"].errors
    assert not Post.objects.exists()


def test_untrusted_partner_post_waits_for_moderation_whatever_status_is_sent(
    untrusted_client, other_partner
):
    response = untrusted_client.post(f"{POSTS}add/", post_data(other_partner))

    assert response.status_code == 302
    post = Post.objects.get()
    assert (post.status, post.origin, post.partner) == ("pending", "partner", other_partner)


def test_trusted_partner_post_is_published_unless_a_keyword_matches(partner_client, partner):
    from muurkrant.models import ModerationSettings

    partner_client.post(f"{POSTS}add/", post_data(partner, title="Gewoon nieuws"))
    settings = ModerationSettings.load()
    settings.keywords = "oplichting"
    settings.save()
    partner_client.post(f"{POSTS}add/", post_data(partner, title="Pas op voor oplichting"))

    statuses = dict(Post.objects.values_list("title", "status"))
    assert statuses == {"Gewoon nieuws": "published", "Pas op voor oplichting": "pending"}


def test_editing_a_published_post_of_an_untrusted_partner_sends_it_back(
    untrusted_client, make_post, other_partner
):
    post = make_post(partner=other_partner, title="Oud", status=Post.Status.PUBLISHED)

    response = untrusted_client.post(
        f"{POSTS}edit/{post.pk}/", post_data(other_partner, title="Nieuw", status="published")
    )

    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.title, post.status) == ("Nieuw", "pending")


def test_partner_edit_keeps_a_hidden_post_hidden(partner_client, make_post, partner):
    post = make_post(status=Post.Status.HIDDEN, pinned_until=None)

    partner_client.post(f"{POSTS}edit/{post.pk}/", post_data(partner, pinned_until="2030-01-01"))

    post.refresh_from_db()
    assert (post.status, post.pinned_until) == ("hidden", None)


def test_image_needs_a_description(partner_client, partner):
    image = ImageFactory(title="Brug", partner=partner)

    response = partner_client.post(f"{POSTS}add/", post_data(partner, image=image.pk))

    assert "image_alt" in response.context["form"].errors
    assert not Post.objects.exists()


def test_partner_sees_the_rejection_reason(partner_client, make_post):
    post = make_post(status=Post.Status.REJECTED, rejection_reason="Bron ontbreekt")

    response = partner_client.get(f"{POSTS}inspect/{post.pk}/")

    assert response.status_code == 200
    assert b"Bron ontbreekt" in response.content


def test_editor_sees_every_post_and_the_moderation_fields(client, editor, own_post, foreign_post):
    client.force_login(editor)

    listing = client.get(POSTS)
    edit = client.get(f"{POSTS}edit/{foreign_post.pk}/")

    assert SECRET.encode() in listing.content and own_post.title.encode() in listing.content
    fields = set(edit.context["form"].fields)
    assert {"pinned_until", "expires_at"} <= fields
    # The status is shown, not edited: decisions are made on the review page, into the audit log.
    assert not {"status", "rejection_reason"} & fields
    assert "Gepubliceerd" in edit.content.decode() or "Published" in edit.content.decode()


def test_editor_creates_a_post_for_any_partner(client, editor, other_partner):
    client.force_login(editor)

    client.post(f"{POSTS}add/", post_data(other_partner))

    post = Post.objects.get()
    assert (post.partner, post.status, post.origin) == (other_partner, "published", "editor")


PARTNERS_URL = "/admin/snippets/mediahub/partner/"


def test_partner_user_sees_and_edits_only_their_own_partner(partner_client, partner, other_partner):
    listing = partner_client.get(PARTNERS_URL)
    foreign = partner_client.get(f"{PARTNERS_URL}edit/{other_partner.pk}/")
    add = partner_client.get(f"{PARTNERS_URL}add/")
    own = partner_client.post(
        f"{PARTNERS_URL}edit/{partner.pk}/",
        {
            "name": "RTV Test Nieuw",
            "slug": partner.slug,
            "kind": "broadcaster",
            "trusted": "",
            "takeover_permission": "allowed",
        },
    )

    assert partner.name.encode() in listing.content
    assert other_partner.name.encode() not in listing.content
    assert (foreign.status_code, own.status_code) == (404, 302)
    assert refused(add)
    partner.refresh_from_db()
    assert (partner.name, partner.trusted) == ("RTV Test Nieuw", True)


def test_only_editors_manage_memberships(client, partner_user, editor):
    client.force_login(partner_user)
    denied = client.get("/admin/snippets/mediahub/membership/")
    client.force_login(editor)
    allowed = client.get("/admin/snippets/mediahub/membership/")

    assert refused(denied)
    assert allowed.status_code == 200


def test_a_video_typed_in_the_admin_embeds_and_follows_its_url(partner_client, partner):
    partner_client.post(
        f"{POSTS}add/", post_data(partner, kind="video", video_url="https://youtu.be/dQw4w9WgXcQ")
    )
    post = Post.objects.get()
    page = partner_client.get(post.get_absolute_url()).text
    assert 'data-embed-url="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ' in page

    partner_client.post(
        f"{POSTS}edit/{post.pk}/",
        post_data(partner, kind="video", video_url="https://vimeo.com/76979871"),
    )

    post.refresh_from_db()
    assert (post.video_provider, post.video_id) == ("vimeo", "76979871")
    page = partner_client.get(post.get_absolute_url()).text
    assert 'data-embed-url="https://player.vimeo.com/video/76979871' in page
    assert "dQw4w9WgXcQ" not in page


def test_a_video_url_of_no_known_platform_is_refused_with_a_reason(partner_client, partner):
    response = partner_client.post(
        f"{POSTS}add/", post_data(partner, video_url="https://video.example.org/clip.mp4")
    )

    assert response.status_code == 200
    assert "video_url" in response.context["form"].errors
    assert not Post.objects.exists()


def test_the_post_form_offers_languages_by_name_and_no_media_type(partner_client):
    response = partner_client.get(f"{POSTS}add/")

    html = response.content.decode()
    assert '<option value="nl" selected>Nederlands</option>' in html
    assert '<option value="fy">frysk</option>' in html
    assert 'name="enclosure_type"' not in html


def test_a_feeds_language_code_stays_selectable(partner_client, make_post):
    post = make_post(language="nl-BE")

    response = partner_client.get(f"{POSTS}edit/{post.pk}/")

    assert '<option value="nl-BE" selected>Nederlands (nl-BE)</option>' in response.content.decode()


def test_a_new_media_file_drops_the_old_type(partner_client, partner, make_post):
    post = make_post(enclosure_url="https://rtv.example/a.ogg", enclosure_type="audio/ogg")

    data = post_data(partner, title=post.title, enclosure_url="https://rtv.example/b.mp3")
    response = partner_client.post(f"{POSTS}edit/{post.pk}/", data)

    assert response.status_code == 302
    post.refresh_from_db()
    assert (post.enclosure_url, post.enclosure_type) == ("https://rtv.example/b.mp3", "")


def test_the_posts_listing_searches_as_the_wall_does(partner_client, make_post, own_post):
    """A word inside a Dutch compound, or another form of it, finds the post, as on the wall."""
    bridge = make_post(title="Nieuwe fietsbrug over de haven")

    for query in ("brug", "fietsers"):
        found = partner_client.get(f"{POSTS}results/", {"q": query})
        assert bridge.title.encode() in found.content, query
        assert own_post.title.encode() not in found.content
