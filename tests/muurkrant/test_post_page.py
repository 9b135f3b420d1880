"""A post's own page: canonical address, media without third parties, safe links, share links."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from muurkrant.models import Post, Story
from tests.factories import ImageFactory, PostFactory, WijkFactory

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


def page_of(client, post: Post) -> BeautifulSoup:
    response = client.get(post.get_absolute_url())
    assert response.status_code == 200
    return BeautifulSoup(response.text, "html.parser")


def titles_in(page: BeautifulSoup, section_id: str) -> list[str]:
    """The linked titles in the aside's list `section_id` (none when the list is absent)."""
    return [link.get_text(strip=True) for link in page.select(f"aside #{section_id} li h3 a")]


def test_a_body_that_only_repeats_the_summary_is_not_shown_twice(client, make_post):
    post = make_post(
        summary="De fietsbrug over de haven is open.",
        body="<p>De fietsbrug over de  haven is <b>open</b>.</p>",
    )
    text = page_of(client, post).find("article").get_text(" ")
    assert " ".join(text.split()).count("De fietsbrug over de haven is open") == 1


def test_a_body_that_says_more_is_shown_after_the_summary_once(client, make_post):
    post = make_post(
        summary="De fietsbrug is open.",
        body="<p>Burgemeester knipt het lint door. Fietsers zijn sneller in Noord.</p>",
    )
    article = page_of(client, post).find("article")
    text = " ".join(article.get_text(" ").split())
    assert text.count("De fietsbrug is open.") == 1
    assert text.count("Burgemeester knipt het lint door.") == 1
    assert text.index("De fietsbrug is open.") < text.index("Burgemeester knipt")


def test_a_body_that_opens_with_the_summary_does_not_repeat_it_above(client, make_post):
    post = make_post(
        summary="De fietsbrug is open. Fietsers…",
        body="<p>De fietsbrug is open. Fietsers zijn sneller in Noord.</p>",
    )
    text = " ".join(page_of(client, post).find("article").get_text(" ").split())
    assert text.count("De fietsbrug is open.") == 1
    assert "Fietsers zijn sneller in Noord." in text


def test_more_from_this_partner_lists_its_other_published_posts(client, make_post, other_partner):
    post = make_post(title="Dit bericht")
    for n in range(5):
        make_post(title=f"Ouder {n}", published_at=timezone.now() - timedelta(hours=n + 1))
    make_post(title="Verborgen", status=Post.Status.HIDDEN)
    make_post(title="Wacht nog", status=Post.Status.PENDING)
    make_post(title="Verlopen", expires_at=timezone.now() - timedelta(minutes=1))
    PostFactory(partner=other_partner, title="Van een ander")

    more = titles_in(page_of(client, post), "more-from-partner")

    assert more == ["Ouder 0", "Ouder 1", "Ouder 2", "Ouder 3"]


def test_more_in_this_wijk_lists_other_published_posts_sharing_a_wijk(
    client, make_post, other_partner
):
    noord, zuid, west = (WijkFactory(name=name) for name in ("Noord", "Zuid", "West"))
    post = make_post(title="Dit bericht", wijken=[noord, zuid])

    def elsewhere(title: str, wijken, **kwargs) -> Post:
        return PostFactory(partner=other_partner, title=title, wijken=wijken, **kwargs)

    elsewhere("In Noord", [noord], published_at=timezone.now() - timedelta(hours=1))
    elsewhere("In Noord en Zuid", [noord, zuid], published_at=timezone.now() - timedelta(hours=2))
    elsewhere("In West", [west])
    elsewhere("Nergens", [])
    elsewhere("Verborgen in Noord", [noord], status=Post.Status.HIDDEN)

    more = titles_in(page_of(client, post), "more-in-wijk")

    assert more == ["In Noord", "In Noord en Zuid"]


def test_a_post_without_neighbours_shows_no_empty_lists(client, make_post):
    page = page_of(client, make_post(title="Alleen"))
    assert page.select("#more-from-partner, #more-in-wijk") == []


def test_tags_and_wijken_link_to_the_filtered_wall(client, make_post):
    post = make_post(wijken=[WijkFactory(name="Oude Stad")])
    post.tags.add("Verkeer en vervoer")
    post.save()
    article = page_of(client, post).find("article")
    assert article.find("a", href="/muurkrant/?tag=verkeer-en-vervoer").get_text() == (
        "Verkeer en vervoer"
    )
    assert article.find("a", href="/muurkrant/?wijk=oude-stad").get_text() == "Oude Stad"


def test_the_partner_box_shows_logo_name_and_profile_link(client, make_post, partner):
    partner.logo = ImageFactory(title="Logo RTV")
    partner.description = "Lokale radio en tv voor de hele stad."
    partner.save()
    box = page_of(client, make_post()).find("aside").find("section", class_="partner-box")
    logo = box.find("img")
    assert logo is not None and logo["alt"] == ""
    assert "/images/" in logo["src"] or "/media/" in logo["src"]
    assert box.find("a", href="/partners/rtv-test/").get_text(strip=True) == "RTV Test"
    assert "Lokale radio en tv voor de hele stad." in box.get_text()


def test_the_partner_box_without_a_logo_has_no_image(client, make_post):
    box = page_of(client, make_post()).find("aside").find("section", class_="partner-box")
    assert box.find("img") is None
    assert box.find("a", href="/partners/rtv-test/") is not None


def test_post_page_queries_do_not_grow_with_related_posts(
    client, make_post, other_partner, django_assert_max_num_queries
):
    noord = WijkFactory(name="Noord")
    post = make_post(title="Dit bericht", image=ImageFactory(), wijken=[noord])
    post.tags.add("verkeer", "haven")
    post.save()

    def add_related(count: int) -> None:
        """Half from this partner, half from another in the same wijk: both lists fill."""
        for n in range(count):
            owner = post.partner if n % 2 else other_partner
            image = ImageFactory(title=f"beeld {n}")
            PostFactory(partner=owner, title=f"Buur {n}", image=image, wijken=[noord])

    add_related(2)
    client.get(post.get_absolute_url())  # renditions are made on the first view
    with django_assert_max_num_queries(14) as captured:
        client.get(post.get_absolute_url())
    few = len(captured)  # read now: the next request clears the query log
    add_related(18)
    client.get(post.get_absolute_url())
    with django_assert_max_num_queries(few):
        response = client.get(post.get_absolute_url())
    page = BeautifulSoup(response.text, "html.parser")
    assert len(titles_in(page, "more-from-partner")) == len(titles_in(page, "more-in-wijk")) == 4


def test_other_versions_of_the_story_are_not_offered_again_as_more(
    client, make_post, other_partner
):
    """They are listed once, under the story, with the story link and a taken-over post's via."""
    noord = WijkFactory(name="Noord")
    story = Story.objects.create()
    post = make_post(title="Brand in Noord", wijken=[noord])
    version = PostFactory(partner=other_partner, title="Brand gemeld", wijken=[noord])
    Post.objects.filter(pk__in=[post.pk, version.pk]).update(story=story)
    PostFactory(partner=other_partner, title="Markt in Noord", wijken=[noord])

    page = page_of(client, post)

    assert titles_in(page, "more-in-wijk") == ["Markt in Noord"]
    story_section = page.find("section", class_="post__story")
    assert story_section.find("a", href=version.get_absolute_url()) is not None
    assert story_section.find("a", href=story.get_absolute_url()) is not None


def test_a_taken_over_post_credits_the_original_partner(client, make_post, other_partner):
    original = PostFactory(partner=other_partner, title="Het origineel")
    copy = make_post(title="Het origineel", original=original)
    meta = page_of(client, copy).find("p", class_="post__meta")
    assert meta.find("a", href=original.get_absolute_url()).get_text() == "Radio Elders"
    assert meta.find("a", href="/partners/rtv-test/") is not None


def test_a_body_without_text_but_with_a_picture_is_still_shown(client, make_post):
    image = ImageFactory(title="Kaart")
    post = make_post(
        summary="De route van de optocht.",
        body=f'<embed embedtype="image" id="{image.pk}" format="fullwidth" alt="De route"/>',
    )
    assert page_of(client, post).select(".post__body img[alt='De route']")
