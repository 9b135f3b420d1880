"""The admin home's dashboard: a partner user's own figures, an editor's for every partner, each
matching the rows behind it, in a fixed number of queries."""

from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.utils import timezone
from wagtail.users.models import UserProfile

from feeds.models import Source
from muurkrant import takeover
from muurkrant.models import Post, PostReadCount
from tests.factories import PartnerUserFactory, PostFactory, SourceFactory

pytestmark = pytest.mark.django_db

HOME = "/admin/"


class _Tables(HTMLParser):
    """The cell texts of every row of every table with an id, by that id."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table" and dict(attrs).get("id"):
            self.current = dict(attrs)["id"]
            self.tables[self.current] = []
        elif self.current and tag == "tr":
            self.tables[self.current].append([])
        elif self.current and tag in ("td", "th"):
            self.cell = []

    def handle_endtag(self, tag):
        if tag == "table":
            self.current = None
        elif self.cell is not None and tag in ("td", "th"):
            self.tables[self.current][-1].append(" ".join("".join(self.cell).split()))
            self.cell = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    parser = _Tables()
    parser.feed(html)
    return parser.tables


def body_rows(html: str, table_id: str) -> list[list[str]]:
    """The table's rows below its header row."""
    return tables(html)[table_id][1:]


def in_english(user):
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


@pytest.fixture
def partner_home(client, partner_user):
    client.force_login(in_english(partner_user))
    return lambda: client.get(HOME).content.decode()


@pytest.fixture
def editor_home(client, editor):
    client.force_login(in_english(editor))
    return lambda: client.get(HOME).content.decode()


def read(post: Post, days_ago: int, count: int) -> None:
    PostReadCount.objects.create(
        post=post, day=timezone.localdate() - timedelta(days=days_ago), count=count
    )


@pytest.fixture
def figures(make_post, other_partner):
    """Own posts in every status, some published this week; the other partner's posts beside."""
    now = timezone.now()
    week_start = now - timedelta(days=timezone.localdate().weekday())
    long_ago = now - timedelta(days=40)
    fresh = make_post(title="Nieuw deze week", published_at=week_start + timedelta(minutes=1))
    make_post(title="Ook van deze week", published_at=now)
    old = make_post(title="Oud nieuws", published_at=long_ago)
    make_post(title="Nog een concept", status=Post.Status.DRAFT)
    make_post(title="Wacht", status=Post.Status.PENDING)
    make_post(title="Wacht ook", status=Post.Status.PENDING)
    make_post(title="Wacht nog", status=Post.Status.PENDING)
    make_post(title="Afgewezen", status=Post.Status.REJECTED)
    stranger = PostFactory(partner=other_partner, title="Van een ander", published_at=now)
    PostFactory(partner=other_partner, title="Ander concept", status=Post.Status.DRAFT)
    read(fresh, 0, 5)
    read(fresh, 1, 2)
    read(old, 3, 9)
    read(old, 35, 100)  # before the last 30 days
    read(stranger, 0, 50)
    return {"fresh": fresh, "old": old, "stranger": stranger}


def test_partner_sees_own_posts_by_status_and_this_week(partner_home, figures):
    html = partner_home()

    assert body_rows(html, "dashboard-posts") == [
        ["Draft", "1"],
        ["Awaiting moderation", "3"],
        ["Published", "3"],
        ["Rejected", "1"],
        ["Hidden", "0"],
        ["Withdrawn with its original", "0"],
    ]
    assert body_rows(html, "dashboard-this-week") == [["Published this week", "2"]]


def test_status_rows_link_to_the_filtered_listing(partner_home, figures):
    html = partner_home()

    assert 'href="/admin/snippets/muurkrant/post/?status=pending"' in html


def test_most_read_posts_of_the_last_30_days_in_order(partner_home, figures):
    html = partner_home()

    assert body_rows(html, "dashboard-most-read") == [
        ["Oud nieuws", "9"],
        ["Nieuw deze week", "7"],
    ]
    daily = dict(body_rows(html, "dashboard-daily-reads"))
    assert len(daily) == 30
    today, yesterday = timezone.localdate(), timezone.localdate() - timedelta(days=1)
    assert daily[today.isoformat()] == "5"
    assert daily[yesterday.isoformat()] == "2"
    assert sum(int(count) for count in daily.values()) == 16


def test_the_chart_is_an_image_with_a_text_alternative_and_no_style(partner_home, figures):
    html = partner_home()

    assert 'role="img"' in html and 'aria-labelledby="dashboard-reads-chart-title"' in html
    assert 'id="dashboard-reads-chart-title"' in html
    assert "style=" not in html
    assert "<script>" not in html


def test_a_partner_never_sees_another_partners_figures(partner_home, figures):
    html = partner_home()

    assert "Van een ander" not in html
    assert "50" not in dict(body_rows(html, "dashboard-daily-reads")).values()


def test_editor_sees_every_partner_with_the_partner_named(editor_home, figures):
    html = editor_home()

    assert body_rows(html, "dashboard-posts")[0] == ["Draft", "2"]
    assert body_rows(html, "dashboard-this-week") == [["Published this week", "3"]]
    most_read = body_rows(html, "dashboard-most-read")
    assert most_read[0] == ["Van een ander", "Radio Elders", "50"]
    assert [row[0] for row in most_read] == ["Van een ander", "Oud nieuws", "Nieuw deze week"]


def test_editor_sees_the_queues_size_and_age(editor_home, figures):
    Post.objects.filter(status=Post.Status.PENDING).update(
        created_at=timezone.now() - timedelta(days=2, hours=1)
    )

    html = editor_home().replace("\xa0", " ")

    assert "3 posts are waiting for a decision; the oldest for 2 days." in html
    assert 'href="/admin/snippets/muurkrant/post/moderation/"' in html


def test_partner_sees_no_queue_panel(partner_home, figures):
    assert 'id="dashboard-queue"' not in partner_home()


@pytest.fixture
def sources(partner, other_partner):
    SourceFactory(partner=partner, title="Nieuws", last_fetched_at=timezone.now())
    SourceFactory(partner=partner, title="Sport", error_count=3, last_error="HTTP 500")
    SourceFactory(partner=partner, title="Oud", active=False, deactivated_reason="410 Gone")
    SourceFactory(partner=other_partner, title="Elders kapot", error_count=1, last_error="DNS")


def test_partner_sees_own_sources_health_with_links(partner_home, sources):
    html = partner_home()

    assert body_rows(html, "dashboard-source-health") == [
        ["OK", "1"],
        ["Failing", "1"],
        ["Switched off", "1"],
    ]
    sport = Source.objects.get(title="Sport")
    assert f'href="/admin/snippets/feeds/source/inspect/{sport.pk}/"' in html
    assert "HTTP 500" in html
    assert "Elders kapot" not in html


def test_editor_sees_every_partners_sources(editor_home, sources):
    html = editor_home()

    assert body_rows(html, "dashboard-source-health") == [
        ["OK", "1"],
        ["Failing", "2"],
        ["Switched off", "1"],
    ]
    assert "Elders kapot" in html


def grow(partner, other_partner, size: int) -> None:
    """`size` posts and sources per partner, each post read on a few days."""
    for owner in (partner, other_partner):
        for number in range(size):
            post = PostFactory(partner=owner, title=f"Bericht {number}")
            for days_ago in range(3):
                read(post, days_ago, number + 1)
            SourceFactory(partner=owner, error_count=number % 2, active=number % 3 > 0)


@pytest.mark.parametrize("who", ["partner_user", "editor"])
def test_the_home_costs_the_same_queries_for_few_and_many_posts(
    client, request, partner, other_partner, who, django_assert_max_num_queries
):
    user = in_english(request.getfixturevalue(who))
    client.force_login(user)
    grow(partner, other_partner, 2)
    client.get(HOME)  # warm the caches a first visit fills (site root, menu counts)
    with django_assert_max_num_queries(60) as small:
        assert client.get(HOME).status_code == 200
    few = len(small)  # now: the query log is a bounded deque that the growing below shifts
    grow(partner, other_partner, 20)
    client.get(HOME)
    with django_assert_max_num_queries(few):
        assert client.get(HOME).status_code == 200


def test_the_owner_sees_who_took_its_posts_over_and_the_requests_waiting(
    client, partner_home, partner, other_partner, make_post
):
    carried = make_post(title="Concert in het park")
    asked = make_post(title="Markt verhuist", takeover_permission=Post.Takeover.ASK)
    make_post(title="Niet gevraagd")
    taker = PartnerUserFactory(partner=other_partner)
    copy = takeover.take_over(carried, other_partner, user=taker)
    takeover.take_over(asked, other_partner, user=taker)
    theirs = PostFactory(partner=other_partner, title="Van de ander")
    takeover.take_over(theirs, partner, user=taker)  # taken by us: not a takeover of ours

    html = partner_home()

    assert tables(html)["dashboard-takeovers"] == [
        ["Taken over by other partners, last 30 days", "1"],
        ["Requests waiting for your answer", "1"],
    ]
    (row,) = body_rows(html, "dashboard-recent-takeovers")
    assert row[:2] == ["Concert in het park", other_partner.name]

    client.force_login(in_english(taker))
    html = client.get(HOME).content.decode()
    assert tables(html)["dashboard-takeovers"] == [
        ["Taken over by other partners, last 30 days", "1"],
        ["Requests waiting for your answer", "0"],
    ]
    assert body_rows(html, "dashboard-recent-takeovers")[0][0] == theirs.title
    assert copy.title not in [row[0] for row in body_rows(html, "dashboard-recent-takeovers")]
