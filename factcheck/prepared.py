"""Cursors whose statements PostgreSQL parses and plans once per connection (prepared statements).

Django binds parameters on the client and leaves psycopg's prepared statements off, so PostgreSQL parses
and plans every statement again. For the few fixed statements run on every pull (claim, store, the
receivers' check) planning was most of the server's work: the receivers' check took 0.9 ms of
PostgreSQL CPU each time against 0.1 ms prepared (measured with psycopg 3.3, PostgreSQL 15).

Prepared statements live in the server session. A pooler in transaction mode must support them at the
protocol level (PgBouncer >= 1.21 with ``max_prepared_statements``); where it does not,
``API_PREPARED_QUERIES=false`` (the switch of the public API's prepared page query, claims/api/selectors.py)
turns these off too, and the cursors bind on the client like Django's.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

try:
    import psycopg
    from django.db.backends.postgresql.psycopg_any import is_psycopg3
except ImportError:  # SQLite-only installs
    psycopg, is_psycopg3 = None, False

# psycopg only prepares when the connection's threshold is set; Django sets it to None. A threshold no
# statement reaches keeps automatic preparation off, for the cursors that ask (``prepare=True``) only.
_NEVER_AUTOMATIC = 2**62

if is_psycopg3:
    from django.db.backends.postgresql.psycopg_any import register_tzloader
    from psycopg.pq import Format

    _TIMESTAMPTZ_OID = psycopg.adapters.types["timestamptz"].oid

    class _PreparingCursor(psycopg.Cursor):
        """Server-side binding, every statement prepared (psycopg keeps the 100 last used per connection)."""

        def execute(self, query, params=None, *, prepare=None, binary=None):
            return super().execute(query, params, prepare=True, binary=binary)


def _prepares(connection) -> bool:
    return connection.vendor == "postgresql" and is_psycopg3 and settings.API_PREPARED_QUERIES


def prepared_cursor(using: str = DEFAULT_DB_ALIAS):
    """Return a Django cursor (query logging, execute wrappers, error translation) for fixed statements.

    On PostgreSQL with psycopg 3 each statement is prepared on first use in a connection and reused;
    elsewhere (SQLite, prepared statements switched off) it is the plain ``connection.cursor()``.
    Use it for SQL written once (the same text every time), not for SQL built per call.
    """
    connection = connections[using]
    if not _prepares(connection):
        return connection.cursor()
    # What connection.cursor() does, with a cursor of our class.
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors:
        raw = connection.connection
        if raw.prepare_threshold is None:
            raw.prepare_threshold = _NEVER_AUTOMATIC
        cursor = _PreparingCursor(raw)
        if connection.timezone != raw.adapters.get_loader(_TIMESTAMPTZ_OID, Format.TEXT).timezone:
            register_tzloader(connection.timezone, cursor)
        connection.validate_thread_sharing()
        if connection.queries_logged:
            return connection.make_debug_cursor(cursor)
        return connection.make_cursor(cursor)
