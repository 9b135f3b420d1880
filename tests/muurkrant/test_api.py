"""The partner API as a partner's software uses it: over HTTP, with a bearer token."""

import io
import json
import struct
import zlib
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.test.client import BOUNDARY, encode_multipart
from PIL import Image as PILImage
from wagtail.images import get_image_model
from wagtail.models import APIToken

from mediahub.models import Membership, Partner
from mediahub.roles import PARTNERS
from muurkrant.api.auth import RATE_BUCKETS
from muurkrant.models import IdempotencyKey, ModerationSettings, PartnerToken, Post, Wijk
from tests.factories import WijkFactory
from tests.feeds import conftest as feeds_conftest

# The loopback HTTP server of the feed tests, for images fetched by URL.
http_server_factory = feeds_conftest.http_server_factory
http_server = feeds_conftest.http_server


@pytest.fixture(autouse=True)
def isolated(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    cache.clear()


def issue_token(partner: Partner, name: str = "") -> str:
    out = StringIO()
    args = ["create_api_token", "--partner", partner.slug] + (["--name", name] if name else [])
    call_command(*args, stdout=out)
    return out.getvalue().strip().splitlines()[-1]


def bearer(token: str, **headers: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}", **headers}


@pytest.fixture
def token(partner) -> str:
    return issue_token(partner)


@pytest.fixture
def other_token(other_partner) -> str:
    return issue_token(other_partner)


@pytest.fixture
def api(client, token):
    """Call the API as the trusted partner: api("post", "/posts", {...}, **headers)."""

    def call(method: str, path: str, data=None, *, token=token, multipart=False, **headers):
        kwargs = bearer(token, **headers)
        if multipart:
            form = encode_multipart(BOUNDARY, data)  # encoded here so that PATCH sends a form too
            kwargs.update(data=form, content_type=f"multipart/form-data; boundary={BOUNDARY}")
        elif data is not None:
            kwargs.update(data=json.dumps(data), content_type="application/json")
        return getattr(client, method)(f"/api/v1{path}", **kwargs)

    return call


def png(size=(32, 24), fmt="PNG", **save) -> bytes:
    out = io.BytesIO()
    PILImage.new("RGB", size, "orange").save(out, format=fmt, **save)
    return out.getvalue()


def upload(data: bytes, name: str = "foto.png") -> io.BytesIO:
    file = io.BytesIO(data)
    file.name = name
    return file


def set_keywords(*words: str) -> None:
    settings = ModerationSettings.load()
    settings.keywords = "\n".join(words)
    settings.save()


def error_fields(response) -> list[str]:
    return [str(error["loc"][-1]) for error in response.json()["detail"]]


# --- tokens ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_command_creates_a_dedicated_api_user_and_prints_the_token_last(partner, groups):
    out = StringIO()
    call_command("create_api_token", "--partner", partner.slug, "--name", "CMS", stdout=out)
    lines = out.getvalue().strip().splitlines()
    raw = lines[-1]
    assert APIToken.validate_token_format(raw)
    assert not any(raw in line for line in lines[:-1])
    token = APIToken.objects.get(key_hash__in=APIToken.candidate_key_hashes(raw))
    assert token.name == "CMS"
    user = token.user
    assert user.username == "api-rtv-test"
    assert not user.has_usable_password()
    assert Membership.objects.filter(user=user, partner=partner).exists()
    assert user.groups.filter(name=PARTNERS).exists()

    second = issue_token(partner)
    assert second != raw
    assert APIToken.objects.filter(user=user).count() == 2


@pytest.mark.django_db
def test_command_refuses_unknown_and_inactive_partners(partner):
    with pytest.raises(CommandError, match="No partner"):
        call_command("create_api_token", "--partner", "nope", stdout=StringIO())
    partner.active = False
    partner.save()
    with pytest.raises(CommandError, match="not active"):
        call_command("create_api_token", "--partner", partner.slug, stdout=StringIO())


@pytest.mark.django_db
def test_missing_garbage_and_revoked_tokens_get_401(client, api, token):
    responses = [
        client.get("/api/v1/posts"),
        client.get("/api/v1/posts", HTTP_AUTHORIZATION="Bearer nonsense"),
        client.get("/api/v1/posts", **bearer(APIToken.generate_token())),  # well-formed, unknown
    ]
    APIToken.objects.get(key_hash__in=APIToken.candidate_key_hashes(token)).revoke()
    responses.append(api("get", "/posts"))
    for response in responses:
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert response.json()["detail"]


@pytest.mark.django_db
def test_inactive_users_and_partners_lose_access(api, partner, token):
    assert api("get", "/posts").status_code == 200
    partner.active = False
    partner.save()
    assert api("get", "/posts").status_code == 401
    partner.active = True
    partner.save()
    user = APIToken.objects.get(key_hash__in=APIToken.candidate_key_hashes(token)).user
    user.is_active = False
    user.save()
    assert api("get", "/posts").status_code == 401


@pytest.mark.django_db
def test_a_session_cookie_is_not_accepted(client, partner_user):
    client.force_login(partner_user)
    assert client.get("/api/v1/posts").status_code == 401
    response = client.post(
        "/api/v1/posts", data=json.dumps({"title": "Via cookie"}), content_type="application/json"
    )
    assert response.status_code == 401
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_a_token_made_in_the_admin_for_a_partner_member_works(client, partner_user, partner):
    _, raw = PartnerToken.objects.issue(user=partner_user, partner=partner, name="admin")
    response = client.get("/api/v1/posts", **bearer(raw))
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_token_made_before_tokens_had_a_partner_names_one_in_x_partner(
    client, partner_user, partner, other_partner
):
    Membership.objects.create(user=partner_user, partner=other_partner)
    token, raw = APIToken.create_token(user=partner_user, name="admin")
    PartnerToken.objects.create(token=token, partner=None)  # as the migration left it
    body = {"data": json.dumps({"title": "Wie?"}), "content_type": "application/json"}

    response = client.post("/api/v1/posts", **body, **bearer(raw))
    assert response.status_code == 400
    assert "X-Partner" in response.json()["detail"]

    response = client.post("/api/v1/posts", **body, **bearer(raw, HTTP_X_PARTNER="radio-elders"))
    assert response.status_code == 201
    assert Post.objects.get().partner == other_partner

    Partner.objects.create(name="Vreemd", slug="vreemd")
    response = client.get("/api/v1/posts", **bearer(raw, HTTP_X_PARTNER="vreemd"))
    assert response.status_code == 401


@pytest.mark.django_db
def test_too_many_requests_get_429_with_retry_after(settings, api):
    settings.API_RATE_LIMIT = 2
    assert api("get", "/posts").status_code == 200
    assert api("get", "/posts").status_code == 200
    response = api("get", "/posts")
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60 * (1 + 1 / RATE_BUCKETS)  # window + a bucket


@pytest.mark.django_db
def test_the_rate_limit_is_per_token(settings, api, other_token):
    settings.API_RATE_LIMIT = 1
    assert api("get", "/posts").status_code == 200
    assert api("get", "/posts").status_code == 429
    assert api("get", "/posts", token=other_token).status_code == 200


# --- creating posts ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_trusted_partner_publishes_at_once(api, partner):
    WijkFactory(name="Centrum")
    response = api(
        "post",
        "/posts",
        {
            "title": "Nieuwe brug geopend",
            "summary": "De brug is open.",
            "body": "<p>Vandaag <strong>open</strong>.</p>",
            "link": "https://rtv.example/brug",
            "tags": ["verkeer", "Verkeer", " bruggen "],
            "wijken": ["centrum"],
        },
    )
    assert response.status_code == 201
    data = response.json()
    assert data["status"] == "published"
    post = Post.objects.get(pk=data["id"])
    assert data["url"] == f"http://testserver{post.get_absolute_url()}"
    assert post.partner == partner
    assert post.origin == Post.Origin.PARTNER
    assert post.kind == Post.Kind.ARTICLE
    assert post.body == "<p>Vandaag <b>open</b>.</p>"  # the editor's form of <strong>
    assert sorted(tag.name for tag in post.tags.all()) == ["Verkeer", "bruggen", "verkeer"]
    assert [wijk.slug for wijk in post.wijken.all()] == ["centrum"]


@pytest.mark.django_db
def test_an_untrusted_partner_waits_for_moderation(api, other_token):
    response = api("post", "/posts", {"title": "Buurtfeest"}, token=other_token)
    assert response.status_code == 201
    assert response.json()["status"] == "pending"
    assert Post.objects.get().status == Post.Status.PENDING


@pytest.mark.django_db
def test_a_moderation_keyword_sends_even_a_trusted_post_to_moderation(api):
    set_keywords("oplichting")
    response = api("post", "/posts", {"title": "Pas op", "body": "<p>Oplichting aan de deur</p>"})
    assert response.json()["status"] == "pending"


@pytest.mark.django_db
def test_script_and_event_handlers_are_stripped(api):
    response = api(
        "post",
        "/posts",
        {
            "title": "<script>alert(1)</script><b>Hallo</b> wereld",
            "summary": "<img src=x onerror=alert(1)>Kort",
            "body": '<p onclick="steal()">Tekst</p><img src="x" onerror="alert(1)">'
            '<script>alert(2)</script><a href="javascript:alert(3)">klik</a>',
        },
    )
    assert response.status_code == 201
    post = Post.objects.get()
    assert post.title == "Hallo wereld"
    assert post.summary == "Kort"
    for bad in ("script", "onerror", "onclick", "javascript:", "alert"):
        assert bad not in post.body
    assert "Tekst" in post.body and "klik" in post.body


@pytest.mark.django_db
@pytest.mark.parametrize("link", ["javascript:alert(1)", "data:text/html,<script>", "/relatief"])
def test_a_link_must_be_http_or_https(api, link):
    response = api("post", "/posts", {"title": "Link", "link": link})
    assert response.status_code == 422
    assert error_fields(response) == ["link"]
    assert not Post.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({}, "title"),
        ({"title": "<p> </p>"}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"title": "ok", "kind": "podcast"}, "kind"),
        ({"title": "ok", "status": "published"}, "status"),
        ({"title": "ok", "pinned_until": "2030-01-01T00:00:00Z"}, "pinned_until"),
        ({"title": "ok", "language": "<nl>"}, "language"),
        ({"title": "ok", "video_url": "https://example.org/film"}, "video_url"),
    ],
)
def test_invalid_fields_are_named_in_a_422(api, payload, field):
    response = api("post", "/posts", payload)
    assert response.status_code == 422
    assert field in error_fields(response)
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_an_unknown_wijk_is_named_in_a_422(api):
    WijkFactory(name="Centrum")
    response = api("post", "/posts", {"title": "Waar?", "wijken": ["centrum", "atlantis"]})
    assert response.status_code == 422
    assert error_fields(response) == ["wijken"]
    assert "atlantis" in response.json()["detail"][0]["msg"]
    assert not Post.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "provider", "video_id"),
    [
        ("https://youtu.be/dQw4w9WgXcQ", "youtube", "dQw4w9WgXcQ"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=1", "youtube", "dQw4w9WgXcQ"),
        ("https://vimeo.com/76979871", "vimeo", "76979871"),
        (
            "https://tube.example.nl/w/9c9de5e8-0a1e-484a-b099-e80766180a6d",
            "peertube",
            "9c9de5e8-0a1e-484a-b099-e80766180a6d",
        ),
    ],
)
def test_a_video_url_is_recognised(api, url, provider, video_id):
    response = api("post", "/posts", {"title": "Kijk", "video_url": url})
    assert response.status_code == 201
    post = Post.objects.get()
    assert (post.kind, post.video_provider, post.video_id) == ("video", provider, video_id)


@pytest.mark.django_db
def test_a_request_body_over_the_limit_is_refused(settings, api):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    response = api("post", "/posts", {"title": "Groot", "body": "x" * 2000})
    assert response.status_code == 413
    assert not Post.objects.exists()


# --- idempotency -------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_retry_with_the_same_idempotency_key_creates_nothing_new(api):
    first = api("post", "/posts", {"title": "Eenmaal"}, HTTP_IDEMPOTENCY_KEY="abc-1")
    again = api("post", "/posts", {"title": "Eenmaal"}, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert Post.objects.count() == 1
    assert IdempotencyKey.objects.count() == 1

    other = api("post", "/posts", {"title": "Andermaal"}, HTTP_IDEMPOTENCY_KEY="abc-1")
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["detail"]
    assert Post.objects.count() == 1

    assert api("post", "/posts", {"title": "Eenmaal"}).status_code == 201
    assert Post.objects.count() == 2


@pytest.mark.django_db
def test_a_failed_request_does_not_use_up_its_idempotency_key(api):
    WijkFactory(name="Centrum")
    failed = api("post", "/posts", {"title": "T", "wijken": ["nope"]}, HTTP_IDEMPOTENCY_KEY="k")
    assert failed.status_code == 422
    assert not IdempotencyKey.objects.exists()
    fixed = api("post", "/posts", {"title": "T", "wijken": ["centrum"]}, HTTP_IDEMPOTENCY_KEY="k")
    assert fixed.status_code == 201


@pytest.mark.django_db
def test_idempotency_keys_are_per_partner(api, other_token):
    mine = api("post", "/posts", {"title": "Zelfde"}, HTTP_IDEMPOTENCY_KEY="k")
    theirs = api("post", "/posts", {"title": "Zelfde"}, token=other_token, HTTP_IDEMPOTENCY_KEY="k")
    assert mine.json()["id"] != theirs.json()["id"]


# --- reading, changing, deleting own posts ------------------------------------------------


@pytest.mark.django_db
def test_listing_shows_own_posts_newest_first_with_a_status_filter(
    api, client, make_post, other_partner, django_assert_num_queries
):
    make_post(title="Oud")
    make_post(title="Wacht", status=Post.Status.PENDING)
    make_post(title="Niet van mij", partner=other_partner)
    client.get("/")  # the site's first request reads the wall's path; it is cached from then on
    with django_assert_num_queries(8):  # token, membership, last use, count, posts, tags, wijken,
        # and the copies others made of them
        response = api("get", "/posts")
    data = response.json()
    assert data["count"] == 2
    assert [item["title"] for item in data["items"]] == ["Wacht", "Oud"]
    assert data["items"][0]["status"] == "pending"

    response = api("get", "/posts?status=published")
    assert [item["title"] for item in response.json()["items"]] == ["Oud"]


@pytest.mark.django_db
def test_listing_is_paginated(api, make_post):
    for number in range(25):
        make_post(title=f"Bericht {number}")
    first = api("get", "/posts").json()
    assert first["count"] == 25
    assert len(first["items"]) == 20
    assert len(api("get", "/posts?page=2").json()["items"]) == 5


@pytest.mark.django_db
def test_another_partners_post_is_not_found(api, make_post, other_partner):
    theirs = make_post(title="Van hen", partner=other_partner)
    assert api("get", f"/posts/{theirs.pk}").status_code == 404
    assert api("patch", f"/posts/{theirs.pk}", {"title": "Gekaapt"}).status_code == 404
    assert api("delete", f"/posts/{theirs.pk}").status_code == 404
    theirs.refresh_from_db()
    assert theirs.title == "Van hen"


@pytest.mark.django_db
def test_get_shows_moderation_outcome_read_only(api, make_post):
    post = make_post(status=Post.Status.REJECTED, rejection_reason="Geen nieuws")
    data = api("get", f"/posts/{post.pk}").json()
    assert (data["status"], data["rejection_reason"]) == ("rejected", "Geen nieuws")
    response = api("patch", f"/posts/{post.pk}", {"status": "published", "rejection_reason": ""})
    assert response.status_code == 422
    assert set(error_fields(response)) == {"status", "rejection_reason"}
    post.refresh_from_db()
    assert post.status == Post.Status.REJECTED


@pytest.mark.django_db
def test_editing_a_published_post_of_an_untrusted_partner_sends_it_back(
    api, make_post, other_partner, other_token
):
    post = make_post(partner=other_partner, title="Eerst")
    response = api("patch", f"/posts/{post.pk}", {"title": "Daarna"}, token=other_token)
    assert response.status_code == 200
    assert response.json()["status"] == "pending"
    post.refresh_from_db()
    assert (post.title, post.status) == ("Daarna", Post.Status.PENDING)


@pytest.mark.django_db
def test_a_trusted_partner_edits_without_moderation_unless_a_keyword_matches(api, make_post):
    post = make_post(title="Eerst")
    response = api("patch", f"/posts/{post.pk}", {"summary": "Rustig", "tags": ["a"]})
    assert response.json()["status"] == "published"
    assert response.json()["tags"] == ["a"]
    set_keywords("oplichting")
    response = api("patch", f"/posts/{post.pk}", {"summary": "Oplichting!"})
    assert response.json()["status"] == "pending"


@pytest.mark.django_db
def test_editing_a_rejected_post_resubmits_it(api, make_post):
    post = make_post(status=Post.Status.REJECTED, rejection_reason="Te kort")
    response = api("patch", f"/posts/{post.pk}", {"body": "<p>Nu langer.</p>"})
    assert response.json()["status"] == "pending"


@pytest.mark.django_db
def test_patch_takes_a_form_with_a_new_image(api, make_post):
    post = make_post(title="Eerst")
    changes = {"title": "Daarna", "image_alt": "Een oranje vlak", "image": upload(png())}
    response = api("patch", f"/posts/{post.pk}", changes, multipart=True)
    assert response.status_code == 200, response.content
    post.refresh_from_db()
    assert (post.title, post.image_alt) == ("Daarna", "Een oranje vlak")
    assert (post.image.width, post.image.height) == (32, 24)


@pytest.mark.django_db
def test_a_partner_deletes_an_own_post(api, make_post):
    post = make_post()
    assert api("delete", f"/posts/{post.pk}").status_code == 204
    assert not Post.objects.filter(pk=post.pk).exists()


# --- the pool and takeover ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_pool_lists_only_published_posts_of_everyone(api, make_post, other_partner):
    make_post(title="Mijn gepubliceerde")
    make_post(title="Hun gepubliceerde", partner=other_partner, kind=Post.Kind.VIDEO)
    make_post(title="Hun wachtende", partner=other_partner, status=Post.Status.PENDING)
    make_post(title="Afgewezen", partner=other_partner, status=Post.Status.REJECTED)
    data = api("get", "/pool").json()
    assert {item["title"] for item in data["items"]} == {"Mijn gepubliceerde", "Hun gepubliceerde"}
    assert "rejection_reason" not in data["items"][0]

    by_partner = api("get", "/pool?partner=radio-elders").json()["items"]
    assert [item["title"] for item in by_partner] == ["Hun gepubliceerde"]
    by_kind = api("get", "/pool?kind=video").json()["items"]
    assert [item["title"] for item in by_kind] == ["Hun gepubliceerde"]


@pytest.mark.django_db
def test_the_pool_filters_by_tag(api, make_post):
    tagged = make_post(title="Sport")
    tagged.tags.add("Lokale sport")
    tagged.save()
    make_post(title="Anders")
    items = api("get", "/pool?tag=lokale-sport").json()["items"]
    assert [item["title"] for item in items] == ["Sport"]


@pytest.mark.django_db
def test_takeover_copies_a_post_with_attribution(api, make_post, other_partner, partner):
    WijkFactory(name="Noord")
    original = make_post(
        partner=other_partner,
        title="Concert in het park",
        summary="Zaterdag",
        body="<p>Gratis toegang.</p>",
        link="https://elders.example/concert",
    )
    original.tags.add("muziek")
    original.wijken.set(Wijk.objects.all())
    original.save()

    response = api("post", f"/pool/{original.pk}/takeover")
    assert response.status_code == 201
    copy = Post.objects.get(pk=response.json()["id"])
    assert copy.pk != original.pk
    assert copy.partner == partner
    assert copy.status == Post.Status.PUBLISHED
    assert (copy.title, copy.summary) == ("Concert in het park", "Zaterdag")
    assert copy.link == "https://elders.example/concert"
    assert "Gratis toegang." in copy.body
    assert "Overgenomen van" in copy.body and "Radio Elders" in copy.body
    assert [tag.name for tag in copy.tags.all()] == ["muziek"]
    assert [wijk.slug for wijk in copy.wijken.all()] == ["noord"]
    original.refresh_from_db()
    assert original.partner == other_partner


@pytest.mark.django_db
def test_takeover_needs_someone_elses_published_post(api, make_post, other_partner):
    pending = make_post(partner=other_partner, status=Post.Status.PENDING)
    mine = make_post()
    assert api("post", f"/pool/{pending.pk}/takeover").status_code == 404
    assert api("post", f"/pool/{mine.pk}/takeover").status_code == 422
    assert Post.objects.count() == 2


# --- images ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_post_with_an_uploaded_image(api):
    response = api(
        "post",
        "/posts",
        {
            "title": "Met foto",
            "image_alt": "Een oranje vlak",
            "tags": ["a", "b"],
            "image": upload(png()),
        },
        multipart=True,
    )
    assert response.status_code == 201, response.content
    post = Post.objects.get()
    assert post.image is not None
    assert post.image_alt == "Een oranje vlak"
    assert (post.image.width, post.image.height) == (32, 24)
    assert sorted(tag.name for tag in post.tags.all()) == ["a", "b"]
    data = api("get", f"/posts/{post.pk}").json()
    assert data["image"].startswith("http://testserver/")


@pytest.mark.django_db
def test_an_image_needs_a_description(api):
    response = api("post", "/posts", {"title": "Foto", "image": upload(png())}, multipart=True)
    assert response.status_code == 422
    assert error_fields(response) == ["image_alt"]
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_an_oversized_image_is_refused_and_nothing_is_created(settings, api):
    settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE = 500
    big = png(size=(300, 300), compress_level=0)
    response = api(
        "post", "/posts", {"title": "Groot", "image_alt": "x", "image": upload(big)}, multipart=True
    )
    assert response.status_code == 422
    assert error_fields(response) == ["image"]
    assert "too large" in response.json()["detail"][0]["msg"]
    assert not Post.objects.exists()
    assert not get_image_model().objects.exists()


@pytest.mark.django_db
def test_an_uploaded_photo_loses_its_exif_and_gps(api):
    exif = PILImage.Exif()
    exif[0x010F] = "Spy Camera Inc."
    exif.get_ifd(0x8825).update({1: "N", 2: (52.0, 22.0, 0.0), 3: "E", 4: (4.0, 53.0, 0.0)})
    photo = png(fmt="JPEG", exif=exif)
    response = api(
        "post",
        "/posts",
        {"title": "Foto", "image_alt": "x", "image": upload(photo, "foto.jpg")},
        multipart=True,
    )
    assert response.status_code == 201
    with Post.objects.get().image.open_file() as stored:
        data = stored.read()
    assert not PILImage.open(io.BytesIO(data)).getexif()
    assert b"Spy Camera" not in data


def bomb_png(width: int = 20_000, height: int = 20_000) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    row = b"\x00" * (1 + (width + 7) // 8)
    packer = zlib.compressobj(9)
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        pytest.param(bomb_png(), id="decompression-bomb"),
        pytest.param(b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', id="svg"),
        pytest.param(b"<html><script>alert(1)</script></html>", id="html"),
    ],
)
def test_dangerous_files_named_png_are_refused(api, data):
    response = api(
        "post", "/posts", {"title": "Nep", "image_alt": "x", "image": upload(data)}, multipart=True
    )
    assert response.status_code == 422
    assert error_fields(response) == ["image"]
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_an_image_url_on_the_local_network_needs_the_setting(settings, api, http_server):
    http_server.route("/kop.png", body=png(), headers={"Content-Type": "image/png"})
    payload = {"title": "Kop", "image_url": http_server.url("/kop.png"), "image_alt": "Kop"}

    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = False
    response = api("post", "/posts", payload)
    assert response.status_code == 422
    assert error_fields(response) == ["image_url"]
    assert "could not be used" in response.json()["detail"][0]["msg"]
    assert http_server.requests == []
    assert not Post.objects.exists()

    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = True
    response = api("post", "/posts", payload)
    assert response.status_code == 201
    assert Post.objects.get().image is not None


@pytest.mark.django_db
def test_patch_replaces_and_removes_the_image(settings, api, make_post, http_server):
    settings.FEEDS_ALLOW_PRIVATE_NETWORKS = True
    http_server.route("/kop.png", body=png(), headers={"Content-Type": "image/png"})
    post = make_post()
    url = http_server.url("/kop.png")
    assert api("patch", f"/posts/{post.pk}", {"image_url": url}).status_code == 422  # no alt
    response = api("patch", f"/posts/{post.pk}", {"image_url": url, "image_alt": "Kop"})
    assert response.status_code == 200
    post.refresh_from_db()
    assert post.image is not None
    api("patch", f"/posts/{post.pk}", {"image_url": ""})
    post.refresh_from_db()
    assert (post.image, post.image_alt) == (None, "")


# --- documentation -----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_openapi_schema_lists_the_endpoints(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["version"] == "1"
    assert {"/api/v1/posts", "/api/v1/posts/{post_id}", "/api/v1/pool"} <= set(schema["paths"])
    assert "/api/v1/pool/{post_id}/takeover" in schema["paths"]
    body = schema["paths"]["/api/v1/posts"]["post"]["requestBody"]["content"]
    assert {"application/json", "multipart/form-data"} <= set(body)
