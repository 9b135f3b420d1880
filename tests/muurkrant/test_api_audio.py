"""Audio through the partner API: an uploaded file or a URL, so an audio post always plays."""

import struct

import feedparser
import pytest
from wagtail.documents import get_document_model

from muurkrant.models import Post
from tests.muurkrant import test_api

isolated = test_api.isolated
token = test_api.token
other_token = test_api.other_token
api = test_api.api
upload, png, error_fields = test_api.upload, test_api.png, test_api.error_fields


def mp3(frames: int = 40) -> bytes:
    """An ID3 tag and silent MPEG-1 layer III frames (128 kbit/s, 44.1 kHz: 417 bytes each)."""
    frame = b"\xff\xfb\x90\x64" + b"\x00" * 413
    return b"ID3\x04\x00\x00\x00\x00\x00\x00" + frame * frames


def wav() -> bytes:
    data = b"\x00\x00" * 8000
    fmt = struct.pack("<HHIIHH", 1, 1, 8000, 16000, 2, 16)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"data" + struct.pack("<I", len(data))
    return b"RIFF" + struct.pack("<I", len(body) + len(data)) + body + data


SAMPLES = {
    "mp3": (mp3(), "audio/mpeg"),
    "ogg": (b"OggS\x00\x02" + b"\x00" * 64, "audio/ogg"),
    "m4a": (b"\x00\x00\x00\x18ftypM4A \x00\x00\x02\x00M4A isom" + b"\x00" * 64, "audio/mp4"),
    "wav": (wav(), "audio/wav"),
}


# What the headers of the samples tell; the Ogg and M4A samples are headers only: no duration.
DURATIONS = {"mp3": 1, "wav": 1}


def audio_post(api, data: bytes, name: str = "uitzending.mp3", *, token=None, **fields):
    payload = {"title": "Stadsgesprek", "kind": "audio", "audio": upload(data, name), **fields}
    return api("post", "/posts", payload, multipart=True, **({"token": token} if token else {}))


@pytest.mark.django_db
@pytest.mark.parametrize("extension", list(SAMPLES))
def test_an_uploaded_audio_file_lands_in_the_partners_collection(api, partner, extension):
    data, mime = SAMPLES[extension]
    response = audio_post(api, data, f"Uitzending 12.{extension}")
    assert response.status_code == 201, response.content
    post = Post.objects.get()
    assert post.kind == "audio"
    assert post.audio.collection == partner.collection
    assert post.audio.filename.endswith(f".{extension}")
    assert post.audio.file_size == len(data)
    shown = api("get", f"/posts/{post.pk}").json()
    assert shown["audio"] == f"http://testserver{post.audio.url}"
    assert shown["audio_type"] == mime
    assert shown["duration_seconds"] == DURATIONS.get(extension)


@pytest.mark.django_db
def test_uploaded_audio_is_public_once_the_post_is_published(client, api, other_token):
    response = audio_post(api, mp3(), token=other_token)  # an untrusted partner: pending
    assert response.status_code == 201, response.content
    post = Post.objects.get()
    assert post.status == Post.Status.PENDING
    client.logout()
    assert client.get(post.audio.url).status_code == 404

    post.status = Post.Status.PUBLISHED
    post.save()
    download = client.get(post.audio.url)
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == mp3()


@pytest.mark.django_db
def test_a_trusted_partners_audio_plays_at_once(client, api):
    assert audio_post(api, mp3()).status_code == 201
    post = Post.objects.get()
    assert post.status == Post.Status.PUBLISHED
    assert client.get(post.audio.url).status_code == 200


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        pytest.param(png(), id="png-named-mp3"),
        pytest.param(b"<html><script>alert(1)</script></html>", id="html"),
        pytest.param(b"%PDF-1.7\n", id="pdf"),
        pytest.param(b"", id="empty"),
    ],
)
def test_a_file_that_is_not_audio_is_refused(api, data):
    response = audio_post(api, data)
    assert response.status_code == 422
    assert error_fields(response) == ["audio"]
    assert "not an audio file" in response.json()["detail"][0]["msg"]
    assert not Post.objects.exists()
    assert not get_document_model().objects.exists()


@pytest.mark.django_db
def test_a_too_large_audio_file_is_refused_with_413(settings, api):
    settings.API_MAX_AUDIO_BYTES = 1000
    response = audio_post(api, mp3())
    assert response.status_code == 413
    assert "too large" in response.json()["detail"]
    assert not Post.objects.exists()
    assert not get_document_model().objects.exists()


@pytest.mark.django_db
def test_an_audio_url_is_kept_as_the_enclosure(api):
    url = "https://omroep.example.nl/podcast/aflevering-3.mp3"
    response = api("post", "/posts", {"title": "Podcast", "audio_url": url})
    assert response.status_code == 201, response.content
    post = Post.objects.get()
    assert (post.kind, post.enclosure_url, post.audio) == ("audio", url, None)
    shown = api("get", f"/posts/{post.pk}").json()
    assert (shown["audio"], shown["audio_type"]) == (url, "audio/mpeg")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "javascript:alert(1)",
        "data:audio/mpeg;base64,AAAA",
        "http://omroep.example.nl/aflevering.mp3",
        "https://user:pw@omroep.example.nl/a.mp3",
        "/media/a.mp3",
    ],
)
def test_an_unsafe_audio_url_is_refused(api, url):
    response = api("post", "/posts", {"title": "Podcast", "audio_url": url})
    assert response.status_code == 422
    assert error_fields(response) == ["audio_url"]
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_an_audio_post_needs_something_to_play(api):
    response = api("post", "/posts", {"title": "Stilte", "kind": "audio"})
    assert response.status_code == 422
    assert error_fields(response) == ["audio"]
    assert "something to play" in response.json()["detail"][0]["msg"]
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_a_file_and_a_url_together_are_refused(api):
    response = audio_post(api, mp3(), audio_url="https://omroep.example.nl/a.mp3")
    assert response.status_code == 422
    assert error_fields(response) == ["audio_url"]
    assert not Post.objects.exists()


@pytest.mark.django_db
def test_patch_replaces_the_audio_by_a_new_file_and_by_a_url(api, partner):
    audio_post(api, mp3())
    post = Post.objects.get()
    first = post.audio
    changes = {"audio": upload(wav(), "nieuw.wav")}
    response = api("patch", f"/posts/{post.pk}", changes, multipart=True)
    assert response.status_code == 200, response.content
    post.refresh_from_db()
    assert post.audio != first
    assert (post.audio.filename, post.audio.collection) == ("nieuw.wav", partner.collection)
    assert response.json()["audio_type"] == "audio/wav"

    url = "https://omroep.example.nl/podcast/b.ogg"
    response = api("patch", f"/posts/{post.pk}", {"audio_url": url})
    assert response.status_code == 200, response.content
    post.refresh_from_db()
    assert (post.audio, post.enclosure_url) == (None, url)
    assert (response.json()["audio"], response.json()["audio_type"]) == (url, "audio/ogg")


@pytest.mark.django_db
def test_patch_removes_the_audio_unless_the_post_is_audio(api):
    audio_post(api, mp3())
    post = Post.objects.get()
    response = api("patch", f"/posts/{post.pk}", {"audio_url": ""})
    assert response.status_code == 422
    assert error_fields(response) == ["audio"]
    post.refresh_from_db()
    assert post.audio is not None

    response = api("patch", f"/posts/{post.pk}", {"audio_url": "", "kind": "article"})
    assert response.status_code == 200, response.content
    post.refresh_from_db()
    assert (post.kind, post.audio, post.enclosure_url) == ("article", None, "")
    assert response.json()["audio"] is None


def test_the_api_the_feeds_and_the_page_name_the_same_media_type(client, api, other_partner):
    """An Opus enclosure without a type: one rule names it for every reader."""
    post = Post.objects.create(
        partner=other_partner,
        title="Stadsgesprek in Opus",
        kind=Post.Kind.AUDIO,
        status=Post.Status.PUBLISHED,
        enclosure_url="https://radio.example.org/uitzending.opus",
    )
    (item,) = [row for row in api("get", "/pool").json()["items"] if row["id"] == post.pk]
    (entry,) = feedparser.parse(client.get("/feeds/wall.rss?kind=audio").content).entries
    assert item["audio"] == entry.enclosures[0].href == post.enclosure_url
    assert item["audio_type"] == entry.enclosures[0].type == "audio/ogg"
    page = client.get(post.get_absolute_url()).content.decode()
    assert f'src="{post.enclosure_url}"' in page
