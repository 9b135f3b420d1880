"""The wall's pinned posts are found through their partial index on every database the site runs
on, among many published posts and a few pinned ones, as on a real wall."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import Schedule

from mediahub import planner
from muurkrant.models import Post

pytestmark = pytest.mark.django_db

PUBLISHED = 3000
PINNED = 3


@pytest.fixture
def busy_wall(partner) -> None:
    now = timezone.now()
    Post.objects.bulk_create(
        Post(
            partner=partner,
            title=f"Bericht {number}",
            status=Post.Status.PUBLISHED,
            published_at=now - timedelta(minutes=number),
            pinned_until=now + timedelta(days=1) if number % (PUBLISHED // PINNED) == 7 else None,
        )
        for number in range(PUBLISHED)
    )


def plan(sql: str) -> str:
    explain = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    with connection.cursor() as cursor:
        cursor.execute(explain + sql)
        return "\n".join(str(row) for row in cursor.fetchall())


def pinned_query_plans(client) -> list[str]:
    """The plans of the wall's queries that look for posts pinned now."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/muurkrant/")
    assert response.status_code == 200
    assert len(response.context["slice"].pinned) == PINNED
    return [plan(query["sql"]) for query in captured if '"pinned_until" >' in query["sql"]]


def uses_pinned_index(plans: list[str]) -> bool:
    return any("post_pinned_idx" in text for text in plans)


@pytest.mark.skipif(
    connection.vendor != "sqlite",
    reason="SQLite is the database that gathers no statistics by itself",
)
def test_the_pinned_posts_use_their_index_even_without_statistics(client, busy_wall):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE sqlite_master")  # creates sqlite_stat1 if it is missing
        cursor.execute("DELETE FROM sqlite_stat1")
        cursor.execute("ANALYZE sqlite_master")  # the planner reloads the (now no) statistics
    assert uses_pinned_index(pinned_query_plans(client))


def test_the_pinned_posts_use_their_index_with_statistics(client, busy_wall):
    planner.refresh_statistics()
    assert uses_pinned_index(pinned_query_plans(client))


def test_migrate_gathers_statistics_and_schedules_their_refresh(busy_wall):
    Schedule.objects.filter(name=planner.SCHEDULE).delete()
    call_command("migrate", verbosity=0)
    assert Schedule.objects.get(name=planner.SCHEDULE).func == (
        "mediahub.planner.refresh_statistics"
    )
    assert pinned_index_rows() == PINNED


def pinned_index_rows() -> int:
    """How many rows the planner's statistics count in the partial pinned index."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT stat FROM sqlite_stat1 WHERE idx = 'post_pinned_idx'")
            return int(cursor.fetchone()[0].split()[0])
        cursor.execute("SELECT reltuples FROM pg_class WHERE relname = 'post_pinned_idx'")
        return int(cursor.fetchone()[0])
