"""Partner-private media: a partner's images and documents are its own in the admin, the admin
API and the download URL; editors see everyone's; admin uploads are re-encoded like imports."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection

from muurkrant.models import Post
from tests.factories import DocumentFactory, ImageFactory, PartnerFactory, PartnerUserFactory
from tests.mediahub.test_images import jpeg_with_gps


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def api_titles(client, kind: str) -> set[str]:
    response = client.get(f"/admin/api/main/{kind}/", {"fields": "title"})
    assert response.status_code == 200
    return {item["title"] for item in response.json()["items"]}


def index_shows(client, url_name: str, title: str) -> bool:
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return title in response.content.decode()


def test_the_admin_api_lists_only_the_partners_own_media(partner_client, partner, other_partner):
    ImageFactory(title="Eigen beeld", partner=partner)
    ImageFactory(title="Vreemd beeld", partner=other_partner)
    DocumentFactory(title="Eigen geluid", partner=partner)
    DocumentFactory(title="Vreemd geluid", partner=other_partner)

    assert api_titles(partner_client, "images") == {"Eigen beeld"}
    assert api_titles(partner_client, "documents") == {"Eigen geluid"}


def test_the_admin_api_does_not_show_another_partners_document(partner_client, other_partner):
    document = DocumentFactory(title="Vreemd geluid", partner=other_partner)

    response = partner_client.get(f"/admin/api/main/documents/{document.pk}/")

    assert response.status_code == 404
    assert "Vreemd geluid" not in response.content.decode()


def test_editors_see_every_partners_media(client, editor, partner, other_partner):
    ImageFactory(title="Beeld een", partner=partner)
    ImageFactory(title="Beeld twee", partner=other_partner)
    DocumentFactory(title="Geluid een", partner=partner)
    DocumentFactory(title="Geluid twee", partner=other_partner)
    client.force_login(editor)

    assert api_titles(client, "images") == {"Beeld een", "Beeld twee"}
    assert api_titles(client, "documents") == {"Geluid een", "Geluid twee"}
    assert index_shows(client, "wagtailimages:index", "Beeld twee")
    assert index_shows(client, "wagtaildocs:index", "Geluid twee")


def test_partner_users_see_their_own_media_in_the_admin(partner_client, partner, other_partner):
    ImageFactory(title="Eigen beeld", partner=partner)
    ImageFactory(title="Vreemd beeld", partner=other_partner)

    assert index_shows(partner_client, "wagtailimages:index", "Eigen beeld")
    assert not index_shows(partner_client, "wagtailimages:index", "Vreemd beeld")
    assert index_shows(partner_client, "wagtailimages_chooser:choose", "Eigen beeld")


def test_a_post_cannot_take_another_partners_image_or_audio_by_id(
    partner_client, partner, other_partner
):
    image = ImageFactory(partner=other_partner)
    audio = DocumentFactory(partner=other_partner)
    data = {
        "title": "Geleend",
        "partner": partner.pk,
        "kind": "audio",
        "language": "nl",
        "published_at": "2025-01-10 10:00",
        "image": image.pk,
        "image_alt": "Een brug",
        "audio": audio.pk,
    }

    response = partner_client.post("/admin/snippets/muurkrant/post/add/", data)

    assert {"image", "audio"} <= set(response.context["form"].errors)
    assert not Post.objects.exists()


def test_a_partner_user_uploads_an_image_into_the_partners_collection_without_metadata(
    partner_client, partner
):
    upload = SimpleUploadedFile("markt.jpg", jpeg_with_gps(), content_type="image/jpeg")

    response = partner_client.post(reverse("wagtailimages:add"), {"title": "Markt", "file": upload})

    assert response.status_code == 302
    image = get_image_model().objects.get(title="Markt")
    assert image.collection == partner.collection
    with image.open_file() as stored, PILImage.open(stored) as picture:
        assert not picture.getexif()


def test_images_uploaded_several_at_once_are_re_encoded_too(partner_client, partner):
    upload = SimpleUploadedFile("plein.jpg", jpeg_with_gps() + b"PK\x03\x04 appended")

    response = partner_client.post(reverse("wagtailimages:add_multiple"), {"files[]": upload})

    assert response.json()["success"]
    image = get_image_model().objects.get()
    assert image.collection == partner.collection
    with image.open_file() as stored:
        data = stored.read()
    assert b"Spy Camera" not in data and b"appended" not in data


def test_a_partner_user_uploads_audio_into_the_partners_collection(partner_client, partner):
    upload = SimpleUploadedFile("gesprek.mp3", b"ID3 audio", content_type="audio/mpeg")

    response = partner_client.post(reverse("wagtaildocs:add"), {"title": "Gesprek", "file": upload})

    assert response.status_code == 302
    assert get_document_model().objects.get(title="Gesprek").collection == partner.collection


def test_a_new_partner_gets_its_own_collection(db):
    partner = PartnerFactory(name="Stadsomroep Nieuw")

    assert partner.collection.name == "Stadsomroep Nieuw"
    assert partner.collection.get_parent() == Collection.get_first_root_node()


def test_anonymous_visitors_download_only_the_audio_of_published_posts(client, make_post, partner):
    published = DocumentFactory(partner=partner)
    pending = DocumentFactory(partner=partner)
    loose = DocumentFactory(partner=partner)
    make_post(kind=Post.Kind.AUDIO, audio=published)
    make_post(kind=Post.Kind.AUDIO, audio=pending, status=Post.Status.PENDING)

    assert client.get(published.url).status_code == 200
    assert client.get(pending.url).status_code == 404
    assert client.get(loose.url).status_code == 404


def test_the_partner_and_editors_download_unpublished_audio(
    client, make_post, partner, partner_user, editor, other_partner
):
    document = DocumentFactory(partner=partner)
    make_post(kind=Post.Kind.AUDIO, audio=document, status=Post.Status.PENDING)

    client.force_login(partner_user)
    assert client.get(document.url).status_code == 200
    client.force_login(editor)
    assert client.get(document.url).status_code == 200
    client.force_login(PartnerUserFactory(partner=other_partner))
    assert client.get(document.url).status_code == 404
