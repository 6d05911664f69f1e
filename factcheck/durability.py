"""Commits that do not wait for the disk, for rows the system derives again on its own.

On PostgreSQL, ``derived_writes()`` runs its block as one transaction with ``synchronous_commit`` off for
that transaction only: COMMIT returns once the WAL is written to the kernel, not flushed to disk. A
server crash can lose the last such commits (at most about three ``wal_writer_delay``, 0.6 s by default);
it cannot corrupt anything or reorder transactions, and any later durable commit flushes the earlier
ones with it (the WAL is one sequence).

It is for writes that are *derived* from rows already durable, and that a sweeper re-creates when they
are lost: an article's analysis (its claims, cited sources and "analysing"/"done" state come from a
snapshot stored by a durable commit; an article left queued or analysing is queued again by
``claims.requeue_stale_articles``, run by beat). What people and the web give us (submissions, pulled
snapshots, editorial decisions) keeps PostgreSQL's durable default. Each flush waited for cost an
ingestion 1.2-5 ms on the development machine (docs/ingestion.md).

Nested in a transaction that is already open, the block is an ordinary nested atomic block and leaves the
outer transaction's durability alone. SQLite ignores it (its own setting is ``synchronous=NORMAL``).
"""

from contextlib import contextmanager

from django.db import DEFAULT_DB_ALIAS, connections, transaction


@contextmanager
def derived_writes(using: str = DEFAULT_DB_ALIAS):
    connection = connections[using]
    outermost = not connection.in_atomic_block
    with transaction.atomic(using=using):
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
        yield
