"""Fresh statistics for the database's query planner, after each migration and once a day.

A planner without statistics guesses how many rows each condition keeps, and guesses wrong
where the data is lopsided: of many posts only a handful are pinned. SQLite gathers none unless
told to; PostgreSQL's autovacuum does, but not for indexes a migration has only just built.
"""

from django.db import DEFAULT_DB_ALIAS, connections

from mediahub.schedules import keep_scheduled

SCHEDULE = "mediahub.planner_statistics"
# Rows SQLite reads per index: close enough for the planner, and quick on a large database.
SQLITE_ANALYSIS_LIMIT = 1000


def refresh_statistics(using: str = DEFAULT_DB_ALIAS) -> None:
    """Gathers the planner's statistics of every table and index."""
    connection = connections[using]
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit = {SQLITE_ANALYSIS_LIMIT}")
        cursor.execute("ANALYZE")


def refresh_after_migrate(using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """post_migrate: new tables and indexes get their statistics at once."""
    refresh_statistics(using)


def ensure_schedule(**kwargs) -> None:
    """post_migrate: the daily refresh."""
    keep_scheduled(SCHEDULE, "mediahub.planner.refresh_statistics")
