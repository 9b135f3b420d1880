"""Posts for the feeds-out tests: an article with hostile text, a video, an audio episode."""

from datetime import timedelta

from django.utils import timezone

from mediahub.sanitize import clean_html
from muurkrant.models import Post
from tests.factories import ImageFactory, PostFactory, WijkFactory

HOSTILE_TITLE = "</script><script>alert(1)</script> & <b>vet</b>"
HOSTILE_BODY = (
    '<p onclick="x()">Hallo <a href="javascript:alert(1)">klik</a></p>'
    '<script>alert(2)</script><img src="x" onerror="alert(3)">'
)


def make_feed_posts(partner, other_partner) -> dict[str, Post]:
    """On the wall, newest first: audio (other partner), video, article; and one pending."""
    now = timezone.now().replace(microsecond=0)
    centrum = WijkFactory(name="Centrum")
    image = ImageFactory(title="Brug")
    article = PostFactory(
        partner=partner,
        title=HOSTILE_TITLE,
        summary='Samenvatting met <img src=x onerror="alert(4)"> erin',
        body=clean_html(HOSTILE_BODY),
        link="https://rtv-test.example/origineel",
        status=Post.Status.PUBLISHED,
        published_at=now - timedelta(hours=3),
        image=image,
    )
    article.tags.add("verkeer", "Fietsen")
    article.wijken.add(centrum)
    article.save()
    video = PostFactory(
        partner=partner,
        kind=Post.Kind.VIDEO,
        title="Video van de markt",
        summary="Beelden van de markt.",
        video_url="https://peertube.example/w/abc",
        enclosure_url="https://peertube.example/static/abc.mp4",
        enclosure_type="video/mp4",
        enclosure_length=1234567,
        duration_seconds=95,
        image=image,
        status=Post.Status.PUBLISHED,
        published_at=now - timedelta(hours=2),
    )
    audio = PostFactory(
        partner=other_partner,
        kind=Post.Kind.AUDIO,
        title="Podcast aflevering 1",
        summary="Het stadsgesprek.",
        enclosure_url="https://radio.example/aflevering-1.mp3",
        enclosure_type="audio/mpeg",
        enclosure_length=7654321,
        duration_seconds=1800,
        status=Post.Status.PUBLISHED,
        published_at=now - timedelta(hours=1),
    )
    PostFactory(partner=partner, title="Nog in de wachtrij", status=Post.Status.PENDING)
    return {"article": article, "video": video, "audio": audio}
