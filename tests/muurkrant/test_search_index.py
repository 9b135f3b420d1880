"""On SQLite the search reads an FTS5 trigram index over the search column instead of scanning
it: the index follows every write, the migration fills it for the posts there are, and words
too short for trigrams still match as before."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test.utils import CaptureQueriesContext

from muurkrant.models import Post
from muurkrant.queries import WallFilters, search_ids
from muurkrant.search import FTS_TABLE

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "sqlite", reason="the FTS5 index is SQLite's"),
]


def searched(text: str) -> tuple[list[int], str]:
    """The ids found and the SQL that found them."""
    with CaptureQueriesContext(connection) as queries:
        ids = search_ids(WallFilters(q=text))
    return ids, " ".join(query["sql"] for query in queries.captured_queries)


def index_is_in_step() -> None:
    """FTS5's own check: every deletion took out what was put in."""
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('integrity-check')")  # noqa: S608


def test_words_of_three_letters_or_more_are_looked_up_in_the_index(make_post):
    bridge = make_post(title="Nieuwe fietsbrug over de haven")
    ids, sql = searched("fietsers brug")
    assert ids == [bridge.pk]
    assert f"{FTS_TABLE} MATCH" in sql
    assert '"search_text" LIKE' not in sql


def test_the_plan_reads_the_index_instead_of_scanning_the_text(make_post):
    make_post(title="Nieuwe fietsbrug over de haven")
    _, sql = searched("brug")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + sql)
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert f"SCAN {FTS_TABLE} VIRTUAL TABLE INDEX" in plan


def test_shorter_words_still_match_as_parts(make_post):
    korting = make_post(title="Korting 50% op de fietsbrug")
    make_post(title="Korting op de markt")
    ids, sql = searched("50 brug")
    assert ids == [korting.pk]
    assert f"{FTS_TABLE} MATCH" in sql
    assert '"search_text" LIKE' in sql


def test_the_index_follows_saves_bulk_updates_and_deletions(make_post):
    post = make_post(title="Brug open")
    post.title = "Tunnel open"
    post.save()
    assert searched("brug")[0] == []
    assert searched("tunnel")[0] == [post.pk]
    post.search_text = "sluis"
    Post.objects.bulk_update([post], ["search_text"])
    assert searched("sluis")[0] == [post.pk]
    index_is_in_step()
    post.delete()
    assert searched("sluis")[0] == []
    index_is_in_step()


def test_the_index_is_rebuilt_when_a_migration_dropped_its_triggers(make_post):
    # Django alters a SQLite table by copying it to a new one, which leaves its triggers behind.
    post = make_post(title="Brug open")
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER muurkrant_post_fts_update")
    call_command("migrate", verbosity=0)
    post.title = "Tunnel open"
    post.save()
    assert searched("tunnel")[0] == [post.pk]
    assert searched("brug")[0] == []
    index_is_in_step()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_the_migration_indexes_the_posts_there_are(make_post):
    before, after = (
        [("muurkrant", "0015_english_pages")],
        [("muurkrant", "0016_post_search_fts")],
    )
    MigrationExecutor(connection).migrate(before)
    try:
        bridge = make_post(title="Nieuwe fietsbrug over de haven")
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(after)
        assert searched("brug")[0] == [bridge.pk]
        index_is_in_step()
    finally:
        # Back to the latest schema, for the tests that share this database after this one.
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
