"""One pull of a source: claim it, fetch politely, extract, store, schedule the next pull.

Idempotent: a pull first claims the source with a lease (one UPDATE that succeeds only when the source is
due and no live lease exists), so a duplicate or redelivered message does nothing, and a pull killed
mid-way is retried once its lease has expired (by ``refresh_due_sources``). Network I/O happens before
any transaction; the results are written in one transaction.
"""

import functools
import hashlib
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models.expressions import Col
from django.utils import timezone

from factcheck.prepared import prepared_cursor
from sources import fetching, politeness, robots
from sources.errors import (
    BlockedURL,
    FetchError,
    GoneError,
    HostBusy,
    RobotsDisallowed,
    TooLarge,
    UnsupportedContent,
)
from sources.models import Snapshot, Source
from sources.scheduling import (
    bounded_countdown,
    next_pull_after_failure,
    next_pull_after_success,
    retry_countdown,
)
from sources.services import extract_body, store_content, update_source
from sources.signals import source_failed, source_gone

logger = logging.getLogger(__name__)


class RetryLater(Exception):
    """The pull should run again after ``countdown`` seconds, as attempt number ``attempt``."""

    def __init__(self, *, countdown: float, attempt: int):
        super().__init__(f"retry in {countdown:.1f}s (attempt {attempt})")
        self.countdown = countdown
        self.attempt = attempt


@functools.cache
def _claim_sql() -> tuple[str, list[str]]:
    """The claim statement, written once per process from the model, and the fields it returns."""
    meta, quote = Source._meta, connection.ops.quote_name
    table, pk = quote(meta.db_table), quote(meta.pk.column)
    lease, due = quote(meta.get_field("lease_until").column), quote(meta.get_field("next_pull_at").column)
    fields = [field.attname for field in meta.concrete_fields]
    # Columns named, not "*": a prepared statement must keep its result type while the process lives.
    columns = ", ".join(quote(field.column) for field in meta.concrete_fields)
    # Only quoted names from the model go into the text; every value is a bound parameter.
    where = f"{pk} = %s AND {due} <= %s AND ({lease} IS NULL OR {lease} < %s)"
    return f"UPDATE {table} SET {lease} = %s WHERE {where} RETURNING {columns}", fields  # noqa: S608


@functools.cache
def _claim_converters() -> list[tuple[int, list, Col]]:
    """What the ORM applies to each returned column (SQLite's datetimes come back as text)."""
    converters = []
    for index, field in enumerate(Source._meta.concrete_fields):
        column = Col(Source._meta.db_table, field)
        found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
        if found:
            converters.append((index, found, column))
    return converters


def _converted(row: tuple) -> list:
    values = list(row)
    for index, converters, column in _claim_converters():
        for converter in converters:
            values[index] = converter(values[index], column, connection)
    return values


def _claim(source_id: int, now: datetime) -> Source | None:
    """Take the pull's lease and return the source; None when it is not due or a live lease exists.

    One prepared statement (UPDATE ... RETURNING, PostgreSQL and SQLite alike): the conditional UPDATE
    is what makes two concurrent pulls of one source impossible, and returning the row saves a SELECT.
    """
    lease_until = now + timedelta(seconds=settings.SOURCES_PULL_LEASE)
    adapt = connection.ops.adapt_datetimefield_value
    sql, fields = _claim_sql()
    with prepared_cursor() as cursor:
        cursor.execute(sql, [adapt(lease_until), source_id, adapt(now), adapt(now)])
        row = cursor.fetchone()
    if row is None:
        return None
    return Source.from_db(connection.alias, fields, _converted(row))


def _fetch(source: Source) -> fetching.FetchResult:
    has_content = source.current_snapshot_id is not None
    try:
        delay = robots.crawl_delay(source.url)
    except FetchError:
        delay = None  # the fetch below raises the same error and records it
    with politeness.host_slot(source.domain, min_delay=min(delay or 0.0, 60.0)):
        return fetching.fetch(
            source.url,
            etag=source.etag if has_content else "",
            last_modified=source.last_modified if has_content else "",
        )


def source_pull(*, source_id: int, attempt: int = 0) -> str:
    """Pull the source once if it is due; return the outcome, raise RetryLater for a transient failure.

    Outcomes: "skipped" (not due, or another pull holds the lease), "not_modified" (304), "unchanged",
    "changed", or the state a permanent failure left ("gone", "blocked", "unsupported", "failed"). A
    transient failure leaves the source "retrying" until its retries are spent.
    """
    source = _claim(source_id, timezone.now())
    if source is None:
        return "skipped"
    try:
        result = _fetch(source)
    except HostBusy as exc:
        Source.objects.filter(pk=source_id).update(lease_until=None)
        raise RetryLater(countdown=bounded_countdown(exc.wait + 0.5), attempt=attempt) from None
    except FetchError as exc:
        return _record_failure(source, exc, attempt=attempt)
    if result.not_modified:
        _record_unchanged(source, result)
        return "not_modified"
    return _record_content(source, result)


def _success_fields(source: Source, result: fetching.FetchResult, *, unchanged_pulls: int) -> dict:
    now = timezone.now()
    return {
        "state": Source.State.OK,
        "last_checked_at": now,
        "consecutive_failures": 0,
        "last_error": "",
        "failure": "",
        "etag": result.etag[:512],
        "last_modified": result.last_modified[:128],
        "unchanged_pulls": unchanged_pulls,
        "next_pull_at": next_pull_after_success(
            now=now, unchanged_pulls=unchanged_pulls, watch_until=source.watch_until
        ),
        "lease_until": None,
        "queued_at": None,
    }


def _record_unchanged(source: Source, result: fetching.FetchResult) -> None:
    fields = _success_fields(source, result, unchanged_pulls=source.unchanged_pulls + 1)
    if not result.etag and not result.last_modified:
        fields.pop("etag"), fields.pop("last_modified")  # a 304 may omit them; keep the ones we had
    update_source(source.pk, fields)


@functools.cache
def _current_sha256_sql() -> str:
    meta, quote = Snapshot._meta, connection.ops.quote_name
    sha256, pk = quote(meta.get_field("sha256").column), quote(meta.pk.column)
    return f"SELECT {sha256} FROM {quote(meta.db_table)} WHERE {pk} = %s"  # noqa: S608


def _current_sha256(source: Source) -> str | None:
    with prepared_cursor() as cursor:
        cursor.execute(_current_sha256_sql(), [source.current_snapshot_id])
        row = cursor.fetchone()
    return row[0] if row else None


def _record_content(source: Source, result: fetching.FetchResult) -> str:
    sha256 = hashlib.sha256(result.body).hexdigest()
    if source.current_snapshot_id and _current_sha256(source) == sha256:
        update_source(source.pk, _success_fields(source, result, unchanged_pulls=source.unchanged_pulls + 1))
        return "unchanged"
    # Extraction is CPU work outside any transaction; only the writes below hold the row lock.
    document = extract_body(result.body, result.content_type_header, url=result.final_url)
    _snapshot, _created, changed = store_content(
        source_id=source.pk,
        body=result.body,
        sha256=sha256,
        content_type=result.content_type_header,
        document=document,
        final_url=result.final_url,
        http_status=result.status,
        fetched_at=result.fetched_at,
        source_fields=_success_fields(source, result, unchanged_pulls=0),
    )
    return "changed" if changed else "unchanged"


def _permanent_state(exc: FetchError) -> tuple[str, bool]:
    """Map a permanent failure to (state, whether to try again after the maximum interval)."""
    if isinstance(exc, GoneError):
        return Source.State.GONE, True
    if isinstance(exc, RobotsDisallowed):
        return Source.State.BLOCKED, True
    if isinstance(exc, BlockedURL):
        return Source.State.BLOCKED, False  # only a person (admin "pull now") tries again
    if isinstance(exc, UnsupportedContent | TooLarge):
        return Source.State.UNSUPPORTED, True
    return Source.State.FAILED, True


def _record_failure(source: Source, exc: FetchError, *, attempt: int) -> str:
    now = timezone.now()
    failures = source.consecutive_failures + 1
    fields = {
        "last_checked_at": now,
        "consecutive_failures": failures,
        "last_error": exc.reason[:2000],
        "failure": exc.kind if exc.kind in Source.Failure.values else Source.Failure.OTHER,
        "lease_until": None,
        "queued_at": None,
    }
    if exc.transient and attempt < settings.SOURCES_PULL_MAX_RETRIES:
        countdown = retry_countdown(attempt, exc.retry_after)
        fields["next_pull_at"] = now + timedelta(seconds=countdown)
        fields["state"] = Source.State.RETRYING
        Source.objects.filter(pk=source.pk).update(**fields)
        logger.info(
            "pull of source %s failed (%s); retry %s in %.0fs", source.pk, exc.reason, attempt + 1, countdown
        )
        raise RetryLater(countdown=countdown, attempt=attempt + 1)
    if exc.transient:
        state, again = Source.State.FAILED, True
    else:
        state, again = _permanent_state(exc)
    if state == Source.State.FAILED:
        fields["next_pull_at"] = next_pull_after_failure(now=now, failures=failures)
    else:
        fields["next_pull_at"] = (
            now + timedelta(seconds=settings.SOURCES_MAX_PULL_INTERVAL) if again else None
        )
    fields["state"] = state
    with transaction.atomic():
        Source.objects.filter(pk=source.pk).update(**fields)
        if state == Source.State.GONE and source.state != Source.State.GONE:
            transaction.on_commit(
                lambda: source_gone.send(sender=Source, source_id=source.pk, reason=exc.reason)
            )
        transaction.on_commit(
            lambda: source_failed.send(
                sender=Source, source_id=source.pk, state=state, failure=fields["failure"]
            )
        )
    logger.info("pull of source %s failed for good: %s (%s)", source.pk, state, exc.reason)
    return state
