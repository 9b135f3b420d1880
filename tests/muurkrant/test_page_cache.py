"""The page cache: anonymous visitors get the wall's first page and post pages from the cache,
every change to a post shows at once, and no one with a cookie of their own is served from it."""

import pytest
from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse

from muurkrant import moderation
from muurkrant.models import Post, PostReadCount, WallPage
from muurkrant.pagecache import StorePageMiddleware, keep_for_anonymous
from tests.factories import PostFactory, WijkFactory

pytestmark = pytest.mark.django_db

FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0"


def cached_twice(client, url: str, django_assert_num_queries, **headers) -> str:
    """Asks twice; the second answer must come from the cache, without the database."""
    first = client.get(url, headers=headers)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = client.get(url, headers=headers)
    assert second.content == first.content
    return second.text


@pytest.mark.parametrize("query", ["", "?kind=article", "?partner=rtv-test&q=brug"])
def test_the_walls_first_page_comes_from_the_cache(
    client, make_post, django_assert_num_queries, query
):
    post = make_post(title="Nieuwe brug geopend", kind=Post.Kind.ARTICLE)
    text = cached_twice(client, "/muurkrant/" + query, django_assert_num_queries)
    assert f'href="{post.get_absolute_url()}"' in text  # the search marks words of the title


def test_a_post_page_comes_from_the_cache(client, make_post, django_assert_num_queries):
    post = make_post(title="Fietsbrug geopend")
    text = cached_twice(client, post.get_absolute_url(), django_assert_num_queries)
    assert "Fietsbrug geopend" in text


def test_later_pages_are_not_cached(client, make_post, django_assert_num_queries):
    WallPage.objects.update(posts_per_page=2)
    for n in range(3):
        make_post(title=f"Bericht {n}")
    older = client.get("/muurkrant/").context["slice"].older_query
    assert older
    client.get("/muurkrant/" + older)
    response = client.get("/muurkrant/" + older)
    assert response.context is not None  # rendered again, not served from the cache


def test_a_read_served_from_the_cache_still_counts(client, make_post):
    post = make_post(title="Fietsbrug geopend")
    for _ in range(3):
        client.get(post.get_absolute_url(), headers={"User-Agent": FIREFOX})
    assert sum(PostReadCount.objects.filter(post=post).values_list("count", flat=True)) == 3


def test_publishing_a_post_shows_at_once(client, make_post, editor):
    make_post(title="Eerste bericht")
    assert "Eerste bericht" in client.get("/muurkrant/").text
    make_post(title="Tweede bericht")
    assert "Tweede bericht" in client.get("/muurkrant/").text
    pending = make_post(title="Derde bericht", status=Post.Status.PENDING)
    assert "Derde bericht" not in client.get("/muurkrant/").text
    moderation.approve(pending, editor)
    assert "Derde bericht" in client.get("/muurkrant/").text


def test_editing_a_post_shows_at_once(client, make_post):
    post = make_post(title="Brug dicht")
    url = post.get_absolute_url()
    assert "Brug dicht" in client.get("/muurkrant/").text
    assert "Brug dicht" in client.get(url).text
    post.title = "Brug weer open"
    post.save()
    assert "Brug weer open" in client.get("/muurkrant/").text
    assert "Brug weer open" in client.get(url, follow=True).text


def test_hiding_a_post_shows_at_once(client, make_post, editor):
    post = make_post(title="Omstreden bericht")
    url = post.get_absolute_url()
    assert "Omstreden bericht" in client.get("/muurkrant/").text
    assert client.get(url).status_code == 200
    moderation.hide(post, editor)
    assert "Omstreden bericht" not in client.get("/muurkrant/").text
    assert client.get(url).status_code == 404


def test_renaming_a_wijk_shows_at_once(client, make_post):
    wijk = WijkFactory(name="Noordkwartier")
    post = make_post(title="Straatfeest")
    post.wijken.add(wijk)
    post.save()
    assert "Noordkwartier" in client.get("/muurkrant/").text
    assert "Noordkwartier" in client.get(post.get_absolute_url()).text
    wijk.name = "Noorderhaven"
    wijk.save()
    assert "Noorderhaven" in client.get("/muurkrant/").text
    assert "Noorderhaven" in client.get(post.get_absolute_url()).text
    post.wijken.remove(wijk)
    post.save()
    assert "Noorderhaven" not in client.get(post.get_absolute_url()).text


def test_a_post_page_shows_its_partners_next_post_at_once(client, make_post, editor):
    post = make_post(title="Fietsbrug geopend")
    url = post.get_absolute_url()
    assert "Markt verhuist" not in client.get(url).text
    other = make_post(title="Markt verhuist")
    assert "Markt verhuist" in client.get(url).text  # under "more from this partner"
    moderation.hide(other, editor)
    assert "Markt verhuist" not in client.get(url).text


def test_a_bulk_write_shows_at_once(client, make_post):
    from muurkrant.signals import posts_changed

    post = make_post(title="Oude kop")
    assert "Oude kop" in client.get("/muurkrant/").text
    Post.objects.filter(pk=post.pk).update(title="Nieuwe kop")
    posts_changed.send(Post, partner_ids=[post.partner_id], post_ids=[post.pk])
    assert "Nieuwe kop" in client.get("/muurkrant/").text


def test_a_logged_in_user_never_gets_a_cached_page(client, make_post, editor):
    post = make_post(title="Fietsbrug geopend")
    for url in ("/muurkrant/", post.get_absolute_url()):
        client.get(url)  # anonymous: now in the cache
    client.force_login(editor)
    for url in ("/muurkrant/", post.get_absolute_url()):
        assert client.get(url).context is not None  # rendered for them
    client.logout()


def test_a_page_rendered_for_a_logged_in_user_is_not_stored(client, make_post, editor):
    client.force_login(editor)
    client.get("/muurkrant/")
    client.logout()
    client.cookies.clear()
    assert client.get("/muurkrant/").context is not None


def test_a_request_with_a_csrf_cookie_is_not_served_from_the_cache(client, make_post):
    make_post(title="Fietsbrug geopend")
    client.get("/muurkrant/")
    client.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    assert client.get("/muurkrant/").context is not None


def test_the_cache_keeps_each_language(client, make_post, django_assert_num_queries):
    post = make_post(title="Fietsbrug geopend")
    for url in ("/muurkrant/", post.get_absolute_url()):
        dutch = cached_twice(client, url, django_assert_num_queries)
        assert '<html lang="nl">' in dutch
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
        english = cached_twice(client, url, django_assert_num_queries)
        assert '<html lang="en">' in english
        assert "Skip to content" in english
        del client.cookies[settings.LANGUAGE_COOKIE_NAME]
        assert "Skip to content" not in cached_twice(client, url, django_assert_num_queries)


def test_anonymous_pages_set_no_cookies(client, make_post):
    post = make_post(title="Fietsbrug geopend")
    for url in ("/", "/muurkrant/", "/muurkrant/?wijk=noord", post.get_absolute_url()):
        for _ in range(2):  # rendered, then from the cache
            response = client.get(url, follow=True)
            assert response.status_code == 200
            assert not response.cookies, url
    assert not client.cookies


def test_a_response_that_sets_a_cookie_is_not_stored(rf, make_post):
    def page_setting(cookie: bool):
        def view(request):
            response = keep_for_anonymous(HttpResponse("bericht"))
            if cookie:
                response.set_cookie("welkom", "1")
            return response

        return view

    for cookie in (True, False):
        request = rf.get("/muurkrant/")
        request.page_cache_key = f"pages:test:{cookie}"
        StorePageMiddleware(page_setting(cookie))(request)
        assert (cache.get(request.page_cache_key) is None) == cookie


def test_another_partners_post_does_not_leave_the_wall_stale(client, other_partner, make_post):
    make_post(title="Eerste bericht")
    client.get("/muurkrant/")
    PostFactory(partner=other_partner, title="Van de buren")
    assert "Van de buren" in client.get("/muurkrant/").text


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    assert "User-agent: *" in response.text
    assert "Sitemap: " in response.text
    assert "/sitemap.xml" in response.text
