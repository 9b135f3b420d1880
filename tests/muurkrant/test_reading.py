"""Reading counters: a post page read by a resident adds one to that post's count for the day;
bots, HEAD requests, prefetches and admin users reading their own wall add nothing, and nothing
about the reader is kept or set."""

import threading
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from muurkrant.models import PostReadCount
from muurkrant.reading import count_read

pytestmark = pytest.mark.django_db

BROWSER = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",
)
BOTS = (
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.0)",
    "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
    "curl/8.5.0",
    "python-requests/2.32.3",
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "HeadlessChrome/124.0.0.0 Safari/537.36",
    "",
)


def reads(post) -> int:
    return sum(PostReadCount.objects.filter(post=post).values_list("count", flat=True))


@pytest.mark.parametrize("agent", BROWSER)
def test_a_residents_view_counts_once_per_request(client, make_post, agent):
    post = make_post(title="Fietsbrug geopend")
    for expected in (1, 2, 3):
        response = client.get(post.get_absolute_url(), headers={"User-Agent": agent})
        assert response.status_code == 200
        assert reads(post) == expected
    row = PostReadCount.objects.get()
    assert (row.post, row.day, row.count) == (post, timezone.localdate(), 3)


@pytest.mark.parametrize("agent", BOTS)
def test_bots_are_not_counted(client, make_post, agent):
    post = make_post()
    assert client.get(post.get_absolute_url(), headers={"User-Agent": agent}).status_code == 200
    assert reads(post) == 0


def test_head_requests_are_not_counted(client, make_post):
    post = make_post()
    response = client.head(post.get_absolute_url(), headers={"User-Agent": BROWSER[0]})
    assert response.status_code == 200
    assert reads(post) == 0


@pytest.mark.parametrize(
    "header",
    [
        {"Sec-Purpose": "prefetch"},
        {"Sec-Purpose": "prefetch;prerender"},
        {"Purpose": "prefetch"},
        {"X-Moz": "prefetch"},
        {"X-Purpose": "preview"},
    ],
)
def test_prefetches_are_not_counted(client, make_post, header):
    post = make_post()
    response = client.get(post.get_absolute_url(), headers={"User-Agent": BROWSER[0], **header})
    assert response.status_code == 200
    assert reads(post) == 0


def test_admin_users_reading_the_wall_are_not_counted(client, make_post, partner_user, editor):
    post = make_post()
    for user in (partner_user, editor):
        client.force_login(user)
        client.get(post.get_absolute_url(), headers={"User-Agent": BROWSER[0]})
    assert reads(post) == 0


def test_redirects_and_missing_posts_are_not_counted(client, make_post):
    post = make_post(title="Fietsbrug geopend")
    hidden = make_post(status="hidden")
    agent = {"User-Agent": BROWSER[0]}
    assert client.get(f"/muurkrant/{post.pk}/", headers=agent).status_code == 301
    assert client.get(hidden.get_absolute_url(), headers=agent).status_code == 404
    assert not PostReadCount.objects.exists()


def test_each_day_has_its_own_counter(make_post):
    post = make_post()
    today = timezone.localdate()
    count_read(post.pk, today - timedelta(days=1))
    count_read(post.pk, today)
    count_read(post.pk, today)
    counts = dict(PostReadCount.objects.values_list("day", "count"))
    assert counts == {today - timedelta(days=1): 1, today: 2}


@pytest.mark.django_db(transaction=True)
def test_concurrent_first_reads_lose_no_count(make_post):
    """Threads racing for a day's first read: one inserts, the others add to its row."""
    post = make_post()
    readers, start = 8, threading.Barrier(8)

    def read() -> None:
        start.wait()
        try:
            count_read(post.pk)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=read) for _ in range(readers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert reads(post) == readers


def test_a_public_post_page_sets_no_cookie_and_no_shared_cache(client, make_post):
    """Counting happens in the view, so a shared cache serving the page would miss reads."""
    post = make_post()
    response = client.get(post.get_absolute_url(), headers={"User-Agent": BROWSER[0]})
    assert reads(post) == 1
    assert not response.cookies and "Set-Cookie" not in response
    cache_control = response.get("Cache-Control", "")
    assert "public" not in cache_control and "max-age" not in cache_control


def test_the_counter_table_holds_nothing_about_readers():
    columns = {field.column for field in PostReadCount._meta.concrete_fields}
    assert columns == {"id", "post_id", "day", "count"}
