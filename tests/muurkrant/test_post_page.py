"""A post's own page: canonical address, media without third parties, safe links, share links."""

from datetime import timedelta

import pytest
from django.utils import timezone

from muurkrant.models import Post
from tests.factories import WijkFactory

pytestmark = pytest.mark.django_db


def test_post_page_shows_the_post(client, make_post):
    post = make_post(
        title="Fietsbrug geopend",
        body="<p>De brug is <b>open</b>.</p>",
        link="https://rtv-test.example/fietsbrug",
    )
    post.tags.add("verkeer")
    post.wijken.add(WijkFactory(name="Noord"))
    post.save()
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert "<h1>Fietsbrug geopend</h1>" in text
    assert "De brug is <b>open</b>." in text
    assert 'href="/partners/rtv-test/"' in text
    assert 'href="https://rtv-test.example/fietsbrug"' in text
    assert 'href="/muurkrant/?tag=verkeer"' in text
    assert 'href="/muurkrant/?wijk=noord"' in text
    assert "https://wa.me/?text=" in text
    assert "mailto:?subject=" in text
    assert "<script src" not in text  # no video, no script (JSON-LD data only)


def test_wrong_or_missing_slug_redirects_permanently(client, make_post):
    post = make_post(title="Fietsbrug geopend")
    for wrong in (f"/muurkrant/{post.pk}-iets-anders/", f"/muurkrant/{post.pk}/"):
        response = client.get(wrong)
        assert response.status_code == 301
        assert response["Location"] == f"/muurkrant/{post.pk}-fietsbrug-geopend/"


def test_expired_and_missing_posts_are_404(client, make_post):
    post = make_post(title="Voorbij", expires_at=timezone.now() - timedelta(hours=1))
    assert client.get(post.get_absolute_url()).status_code == 404
    assert client.get("/muurkrant/999999-niets/").status_code == 404


def test_video_is_a_facade_until_played(client, make_post):
    post = make_post(
        title="Markt in beeld",
        kind=Post.Kind.VIDEO,
        video_provider="youtube",
        video_id="dQw4w9WgXcQ",
        video_url="https://www.youtube.com/watch?v=dQw4w9WgXcQ",
    )
    text = client.get(post.get_absolute_url()).text
    assert "<iframe" not in text
    assert 'href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"' in text
    assert 'data-embed-url="https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1"' in text
    assert "/static/mediahub/js/play.js" in text


@pytest.mark.parametrize(
    ("provider", "video_id", "url", "embed"),
    [
        (
            "vimeo",
            "76979871",
            "https://vimeo.com/76979871",
            "https://player.vimeo.com/video/76979871?dnt=1",
        ),
        (
            "peertube",
            "9c9de5e8-0a1e-484a-b099-e80766180a6d",
            "https://tube.example.org/videos/watch/9c9de5e8-0a1e-484a-b099-e80766180a6d",
            "https://tube.example.org/videos/embed/9c9de5e8-0a1e-484a-b099-e80766180a6d",
        ),
        ("youtube", 'x" onload="alert(1)', "https://www.youtube.com/watch?v=x", ""),
    ],
)
def test_embed_urls_are_built_from_provider_and_id_only(
    client, make_post, provider, video_id, url, embed
):
    post = make_post(kind=Post.Kind.VIDEO, video_url=url)
    # Written past save(), which derives both from the URL: the page must not trust the row.
    Post.objects.filter(pk=post.pk).update(video_provider=provider, video_id=video_id)
    text = client.get(post.get_absolute_url()).text
    if embed:
        assert f'data-embed-url="{embed}"' in text
    else:
        assert "data-embed-url" not in text
        assert "onload=" not in text


def test_audio_plays_natively_and_loads_nothing_up_front(client, make_post):
    post = make_post(
        kind=Post.Kind.AUDIO,
        enclosure_url="https://radio.example/stadsgesprek.mp3",
        enclosure_type="audio/mpeg",
    )
    text = client.get(post.get_absolute_url()).text
    assert '<audio controls preload="none" src="https://radio.example/stadsgesprek.mp3">' in text


def test_hostile_post_renders_escaped_and_without_script_links(client, make_post):
    post = make_post(
        title="<script>alert(1)</script>",
        summary="<img src=x onerror=alert(1)>",
        link="javascript:alert(1)",
        kind=Post.Kind.VIDEO,
        video_url="javascript:alert(2)",
        enclosure_url="javascript:alert(3)",
    )
    text = client.get(post.get_absolute_url()).text
    assert "<script>alert(1)" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "<img src=x" not in text
    assert "javascript:" not in text


def test_post_page_sets_no_cookie(client, make_post):
    response = client.get(make_post().get_absolute_url())
    assert not response.cookies


def test_links_the_editor_wrote_carry_our_rel_on_the_page(client, make_post):
    """The admin's editor stores a bare <a href>; residents' pages still get nofollow ugc."""
    post = make_post(
        body='<p data-block-key="k1">Zie <a href="https://elders.example/x?a=1&amp;b=2">dit</a></p>'
    )

    text = client.get(post.get_absolute_url()).text

    assert (
        '<a href="https://elders.example/x?a=1&amp;b=2" rel="noopener noreferrer nofollow ugc">'
        in text
    )
