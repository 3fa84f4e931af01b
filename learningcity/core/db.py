"""Database housekeeping shared by the apps."""

from django.db import connection


def refresh_planner_statistics() -> None:
    """Refresh the query planner's statistics after a bulk load.

    Without them SQLite answers "these 20 rows of this city" with a scan of the whole
    city instead of 20 primary-key lookups (milliseconds instead of microseconds);
    PostgreSQL's autovacuum would get there too, but later."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
