"""Discovery and sharing: feed links, canonical, Open Graph, JSON-LD, sitemap; widget and screen."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.conf import settings

from muurkrant.models import Post
from tests.factories import PostFactory
from tests.feeds.syndication_data import HOSTILE_TITLE, make_feed_posts
from tests.html_checks import assert_harmless

pytestmark = pytest.mark.django_db

SITE = settings.SITE_URL
JSON_LD = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture
def posts(partner, other_partner):
    return make_feed_posts(partner, other_partner)


def json_ld(html: str) -> list[dict]:
    (found,) = JSON_LD.findall(html)
    return json.loads(found)["@graph"]


def test_wall_links_to_its_feeds_with_the_filters(client, posts):
    text = client.get("/muurkrant/?wijk=centrum&kind=article&before=123-4").text
    query = "?wijk=centrum&amp;kind=article"
    assert (
        f'type="application/rss+xml" title="Muurkrant (RSS)" href="{SITE}/feeds/wall.rss{query}"'
        in text
    )
    assert f'href="{SITE}/feeds/wall.atom{query}"' in text
    json_link = f'title="Muurkrant (JSON Feed)" href="{SITE}/feeds/wall.json{query}"'
    assert f'type="application/feed+json" {json_link}' in text
    assert f'<link rel="canonical" href="{SITE}/muurkrant/{query}">' in text


def test_partner_page_links_feeds_and_offers_the_snippet(client, posts):
    text = client.get("/partners/rtv-test/").text
    assert f'href="{SITE}/feeds/partners/rtv-test.rss"' in text
    assert f'<link rel="canonical" href="{SITE}/partners/rtv-test/">' in text
    assert f'&lt;iframe src="{SITE}/embed/wall/?partner=rtv-test"' in text
    assert f'&lt;script src="{SITE}/embed/wall.js" async&gt;' in text


def test_post_page_open_graph_and_json_ld(client, posts):
    video = posts["video"]
    text = client.get(video.get_absolute_url()).text
    url = SITE + video.get_absolute_url()
    assert f'<link rel="canonical" href="{url}">' in text
    assert f'<meta property="og:url" content="{url}">' in text
    assert '<meta property="og:type" content="article">' in text
    assert '<meta property="og:title" content="Video van de markt">' in text
    assert '<meta property="og:description" content="Beelden van de markt.">' in text
    image = re.search(r'<meta property="og:image" content="([^"]+)">', text).group(1)
    assert image.startswith(f"{SITE}/media/images/") and "fill-1200x630" in image
    article, media = json_ld(text)
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == "Video van de markt"
    assert article["author"]["name"] == "RTV Test"
    assert article["image"] == [image]
    assert media["@type"] == "VideoObject"
    assert media["contentUrl"] == "https://peertube.example/static/abc.mp4"
    assert media["duration"] == "PT95S"
    assert media["thumbnailUrl"] == [image]


def test_audio_post_has_an_audio_object(client, posts):
    text = client.get(posts["audio"].get_absolute_url()).text
    article, media = json_ld(text)
    assert media == {
        "@type": "AudioObject",
        "name": "Podcast aflevering 1",
        "description": "Het stadsgesprek.",
        "uploadDate": posts["audio"].published_at.isoformat(),
        "contentUrl": "https://radio.example/aflevering-1.mp3",
        "encodingFormat": "audio/mpeg",
        "duration": "PT1800S",
    }


def test_json_ld_cannot_be_broken_out_of(client, posts):
    text = client.get(posts["article"].get_absolute_url()).text
    (article,) = json_ld(text)
    assert article["headline"] == HOSTILE_TITLE
    assert "</script><script>alert(1)" not in text
    assert text.count("<script") == text.count("</script>")
    assert_harmless(JSON_LD.sub("", text).split("<body", 1)[0])


def test_sitemap_lists_pages_and_published_posts_only(client, posts, partner):
    hidden = PostFactory(partner=partner, title="Verborgen", status=Post.Status.HIDDEN)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.fromstring(response.content)  # noqa: S314 - our own output
    locations = [loc.text for loc in root.findall("s:url/s:loc", ns)]
    for post in posts.values():
        assert SITE + post.get_absolute_url() in locations
    assert SITE + hidden.get_absolute_url() not in locations
    assert not any("wachtrij" in location for location in locations)
    assert f"{SITE}/muurkrant/" in locations
    again = client.get("/sitemap.xml", headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_embed_widget_is_frameable_cookieless_and_opens_links_in_a_new_tab(client, posts):
    response = client.get("/embed/wall/?kind=video&theme=dark&layout=compact&limit=3")
    assert response.status_code == 200
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert not response.cookies and "Set-Cookie" not in response
    text = response.text
    assert 'class="theme-dark layout-compact"' in text
    assert "Video van de markt" in text and "Podcast" not in text
    assert "csrfmiddlewaretoken" not in text
    links = re.findall(r"<a [^>]*>", text)
    assert links and all('target="_blank" rel="noopener"' in link for link in links)
    assert not re.search(r'(src|href)="https?://(?!127\.0\.0\.1)', text)  # nothing from elsewhere


def test_embed_widget_clamps_its_options(client, posts):
    response = client.get("/embed/wall/?theme=<b>&layout=x&limit=9999")
    assert response.status_code == 200
    assert 'class="theme-light layout-list"' in response.text
    own_script = re.compile(r'<script src="/static/feeds/embed/resize.js" defer></script>')
    assert_harmless(own_script.sub("", response.text.split("<body", 1)[1]))


def test_other_pages_still_refuse_framing(client, posts):
    for url in (
        "/muurkrant/",
        "/partners/rtv-test/",
        "/scherm/",
        posts["video"].get_absolute_url(),
    ):
        assert client.get(url)["X-Frame-Options"] == "DENY"


def test_embed_script(client):
    response = client.get("/embed/wall.js")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert b"/embed/wall/" in response.content
    assert b'addEventListener("message"' in response.content


def test_screen_page(client, posts):
    response = client.get("/scherm/?wijk=centrum&interval=2&refresh=5")
    assert response.status_code == 200
    assert not response.cookies
    text = response.text
    assert 'data-feed="/feeds/wall.json?wijk=centrum"' in text
    assert 'data-interval="5"' in text  # at least five seconds per post
    assert 'data-refresh="30"' in text


def test_qr_code_for_a_post_on_the_wall(client, posts, partner):
    response = client.get(f"/scherm/qr/{posts['video'].pk}.svg")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<?xml") and b"<svg" in response.content
    pending = PostFactory(partner=partner, title="Nee", status=Post.Status.PENDING)
    assert client.get(f"/scherm/qr/{pending.pk}.svg").status_code == 404
