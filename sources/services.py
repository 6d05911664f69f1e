"""The only writers of Source and Snapshot rows (besides the pull in ``sources.pulling``).

Other apps call these: ``source_for_url``, ``request_pull``, ``watch_sources``, ``record_snapshot`` and
``normalize_url``. Signals go out only after commit.
"""

import contextlib
import contextvars
import functools
import hashlib
import zlib
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from factcheck.prepared import prepared_cursor
from sources.documents import Document
from sources.errors import InvalidURL
from sources.extraction import extract_html, extract_text
from sources.fetching import decode_body
from sources.models import Snapshot, Source
from sources.signals import snapshot_changed
from sources.urls_normalize import normalize_url, url_host

__all__ = [
    "normalize_url",
    "source_for_url",
    "sources_for_urls",
    "make_due",
    "request_pull",
    "watch_sources",
    "record_snapshot",
    "enqueue_due_sources",
    "extract_body",
]


def source_for_url(url: str) -> Source:
    """Return the Source for ``url`` (normalized), creating it due for a first pull; raise InvalidURL."""
    normalized = normalize_url(url)
    # get_or_create retries the get after an IntegrityError, so two concurrent callers get one row.
    source, _created = Source.objects.get_or_create(
        url=normalized, defaults={"domain": url_host(normalized), "next_pull_at": timezone.now()}
    )
    return source


def sources_for_urls(urls: Iterable[str]) -> dict[str, Source]:
    """Return {given url: Source} for many URLs in three queries; URLs that do not normalize are left out.

    The batch counterpart of ``source_for_url`` (an article cites dozens of links): existing rows are
    read at once, missing ones inserted with ``ignore_conflicts`` so a concurrent insert is no error.
    """
    normalized = {}
    for url in urls:
        try:
            normalized[url] = normalize_url(url)
        except InvalidURL:
            continue
    wanted = set(normalized.values())
    now = timezone.now()
    existing = {source.url: source for source in Source.objects.filter(url__in=wanted)}
    missing = wanted - existing.keys()
    if missing:
        Source.objects.bulk_create(
            [Source(url=url, domain=url_host(url), next_pull_at=now) for url in sorted(missing)],
            ignore_conflicts=True,
        )
        existing.update({source.url: source for source in Source.objects.filter(url__in=missing)})
    return {url: existing[norm] for url, norm in normalized.items() if norm in existing}


# Set by ``pulls_deferred``: sources are still made due, but no pull message is queued.
_pulls_deferred = contextvars.ContextVar("pulls_deferred", default=False)


@contextlib.contextmanager
def pulls_deferred() -> Iterator[None]:
    """Queue no pulls inside the block; the sources it makes due wait for ``refresh_due_sources``.

    For set-up commands run without a worker (``demo_setup``): in eager mode each pull would run in the
    foreground, one politeness interval apart per host.
    """
    token = _pulls_deferred.set(True)
    try:
        yield
    finally:
        _pulls_deferred.reset(token)


def _enqueue(source_ids: list[int]) -> None:
    """Queue the pulls once the transaction commits (what ``delay_on_commit`` does, plus the queue).

    Up to SOURCES_PULL_BATCH sources share one ``pull_sources`` message: publishing and consuming a
    message cost more CPU than the rest of an ingestion's writes for an article's half-dozen links,
    and a small batch still spreads a long list over every worker thread.
    """
    from sources.tasks import pull_source, pull_sources  # tasks import this module

    if _pulls_deferred.get():
        return
    queue, size = settings.SOURCES_PULL_QUEUE, settings.SOURCES_PULL_BATCH
    for start in range(0, len(source_ids), size):
        batch = list(source_ids[start : start + size])
        if len(batch) == 1:
            transaction.on_commit(partial(pull_source.apply_async, (batch[0],), queue=queue))
        else:
            transaction.on_commit(partial(pull_sources.apply_async, (batch,), queue=queue))


def make_due(source_ids: Iterable[int], *, queued: bool = False) -> list[int]:
    """Make the sources due now (a retry scheduled for later is brought forward); return their ids.

    With ``queued``, also mark them as queued (the caller queues their pulls). Queues nothing itself:
    for a caller that pulls in-process (an article's analysis) or queues on commit (``request_pull``).
    """
    ids = sorted({int(i) for i in source_ids})
    if not ids:
        return ids
    now = timezone.now()
    due_now = When(Q(next_pull_at__isnull=True) | Q(next_pull_at__gt=now), then=Value(now))
    fields = {"next_pull_at": Case(due_now, default=F("next_pull_at"))}
    if queued:
        fields["queued_at"] = now
    Source.objects.filter(pk__in=ids).update(**fields)
    return ids


def request_pull(source_ids: Iterable[int]) -> None:
    """Make the sources due now and queue one pull each once the current transaction commits.

    This is also how a person retries a failed source (the admin's "Retry now" and "Pull now"): the pull
    starts a fresh series of retries.
    """
    # No savepoint when called inside a transaction: nothing here is caught and retried.
    with transaction.atomic(savepoint=False):
        ids = make_due(source_ids, queued=True)
        if ids:
            _enqueue(ids)


def enqueue_due_sources(*, now: datetime | None = None) -> int:
    """Queue a pull for every due source not already running or recently queued; return how many.

    This is what makes a lost broker message good: the database says which sources are due, so a
    queue emptied by a Redis restart is refilled at the next run (after SOURCES_REQUEUE_AFTER).
    """
    now = now or timezone.now()
    requeue_before = now - timedelta(seconds=settings.SOURCES_REQUEUE_AFTER)
    with transaction.atomic():
        ids = list(
            Source.objects.filter(next_pull_at__lte=now)
            .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
            .filter(Q(queued_at__isnull=True) | Q(queued_at__lte=requeue_before))
            .order_by("next_pull_at")
            .values_list("pk", flat=True)[: settings.SOURCES_REFRESH_BATCH]
        )
        Source.objects.filter(pk__in=ids).update(queued_at=now)
        _enqueue(ids)
    return len(ids)


def watch_sources(source_ids: Iterable[int], *, until: datetime) -> int:
    """Re-pull these sources at least every SOURCES_WATCH_INTERVAL until ``until``; return rows changed.

    Called by claims for the sources cited by claims under review. Extending a watch never shortens one.
    """
    ids = list(source_ids)
    soon = timezone.now() + timedelta(seconds=settings.SOURCES_WATCH_INTERVAL)
    with transaction.atomic():
        changed = (
            Source.objects.filter(pk__in=ids)
            .filter(Q(watch_until__isnull=True) | Q(watch_until__lt=until))
            .update(watch_until=until)
        )
        Source.objects.filter(pk__in=ids, next_pull_at__gt=soon).update(next_pull_at=soon)
    return changed


def _media_type(content_type: str) -> tuple[str, str]:
    mime, _, params = content_type.partition(";")
    charset = ""
    for param in params.split(";"):
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'")
    return mime.strip().lower(), charset


def extract_body(body: bytes, content_type: str, *, url: str | None = None) -> Document:
    """Decode and extract a body by its content type (plain text as is, anything else as HTML)."""
    mime, charset = _media_type(content_type)
    text = decode_body(body, charset)
    if mime == "text/plain":
        return extract_text(text)
    return extract_html(text, url=url)


def _compressed(body: bytes) -> bytes:
    # Level 1: about a third of the CPU of the default for a slightly larger archive (measured on news pages).
    packed = zlib.compress(body, 1)
    # Past the cap the raw body is not kept; the extracted text still is.
    return packed if len(packed) <= settings.SOURCES_RAW_BODY_MAX_BYTES else b""


# Fields of a new snapshot, in the order of the INSERT below (the primary key comes from the database).
_SNAPSHOT_FIELDS = (
    "source_id",
    "fetched_at",
    "last_seen_at",
    "http_status",
    "final_url",
    "content_type",
    "sha256",
    "raw_body",
    "text",
    "title",
    "byline",
    "published_at",
    "language",
    "links",
    "canonical_url",
    "site_name",
)


def _quoted(model, name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name).column)


@functools.cache
def _lock_sql() -> str:
    """Lock the source row and find a snapshot of it with the given content (a revert), in one query."""
    source, snapshot = connection.ops.quote_name(Source._meta.db_table), Snapshot._meta.db_table
    same = f"SELECT {_quoted(Snapshot, 'id')} FROM {connection.ops.quote_name(snapshot)} WHERE "  # noqa: S608
    same += f"{_quoted(Snapshot, 'source')} = %s AND {_quoted(Snapshot, 'sha256')} = %s LIMIT 1"
    where = f"{_quoted(Source, 'id')} = %s"
    # SQLite has no row locks: its transactions take the database's write lock (IMMEDIATE) instead.
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    return f"SELECT {_quoted(Source, 'current_snapshot')}, ({same}) FROM {source} WHERE {where}{lock}"  # noqa: S608


@functools.cache
def _insert_snapshot_sql() -> str:
    table = connection.ops.quote_name(Snapshot._meta.db_table)
    columns = ", ".join(_quoted(Snapshot, name.removesuffix("_id")) for name in _SNAPSHOT_FIELDS)
    marks = ", ".join(["%s"] * len(_SNAPSHOT_FIELDS))
    return f"INSERT INTO {table} ({columns}) VALUES ({marks}) RETURNING {_quoted(Snapshot, 'id')}"  # noqa: S608


@functools.cache
def _update_source_sql(names: tuple[str, ...]) -> str:
    table = connection.ops.quote_name(Source._meta.db_table)
    assignments = ", ".join(f"{_quoted(Source, name)} = %s" for name in names)
    return f"UPDATE {table} SET {assignments} WHERE {_quoted(Source, 'id')} = %s"  # noqa: S608


@functools.cache
def _upsert_sql(source_names: tuple[str, ...]) -> str:
    """One PostgreSQL statement for a pull's writes: lock the source, insert the snapshot (or, for content
    the source already had, touch it), point the source at it and write its pull state.

    Returns (the source's snapshot before, the snapshot, whether it was inserted). ``xmax = 0`` tells a
    fresh row from one ON CONFLICT updated. Every value is a bound parameter cast to its column's type.
    """
    quote = connection.ops.quote_name
    source, snapshot = quote(Source._meta.db_table), quote(Snapshot._meta.db_table)
    source_id, current = _quoted(Source, "id"), _quoted(Source, "current_snapshot")
    columns = ", ".join(_quoted(Snapshot, name.removesuffix("_id")) for name in _SNAPSHOT_FIELDS)
    values = ", ".join(
        f"CAST(%s AS {Snapshot._meta.get_field(name).db_type(connection)})" for name in _SNAPSHOT_FIELDS
    )
    seen, content = (
        _quoted(Snapshot, "last_seen_at"),
        f"{_quoted(Snapshot, 'source')}, {_quoted(Snapshot, 'sha256')}",
    )
    state = "".join(f"{_quoted(Source, name)} = %s, " for name in source_names)
    return (
        f"WITH src AS (SELECT {current} FROM {source} WHERE {source_id} = %s FOR UPDATE), "  # noqa: S608
        f"ins AS (INSERT INTO {snapshot} ({columns}) SELECT {values} FROM src "
        f"ON CONFLICT ({content}) DO UPDATE SET {seen} = EXCLUDED.{seen} "
        f"RETURNING {_quoted(Snapshot, 'id')} AS id, (xmax = 0) AS created), "
        f"upd AS (UPDATE {source} SET {state}{current} = ins.id FROM ins WHERE {source}.{source_id} = %s) "
        f"SELECT src.{current}, ins.id, ins.created FROM src, ins"
    )


def update_source(source_id: int, fields: dict) -> None:
    """Write ``fields`` ({field name: value}) to the source row, as ``QuerySet.update`` would.

    The pull writes the same few fields on every source: one prepared statement per set of names
    costs a fraction of the ORM's query building (measured in bench/pull_profile.py).
    """
    names = tuple(sorted(fields))
    params = [Source._meta.get_field(name).get_db_prep_save(fields[name], connection) for name in names]
    with prepared_cursor() as cursor:
        cursor.execute(_update_source_sql(names), [*params, source_id])


def _insert_snapshot(values: dict) -> int:
    params = [
        Snapshot._meta.get_field(name).get_db_prep_save(values[name], connection) for name in _SNAPSHOT_FIELDS
    ]
    with prepared_cursor() as cursor:
        cursor.execute(_insert_snapshot_sql(), params)
        return cursor.fetchone()[0]


def _snapshot_values(source_id, body, sha256, content_type, document, final_url, http_status, fetched_at):
    return {
        "source_id": source_id,
        "fetched_at": fetched_at,
        "last_seen_at": fetched_at,
        "http_status": http_status,
        "final_url": final_url[:2000],
        "content_type": content_type[:128],
        "sha256": sha256,
        "raw_body": _compressed(body),
        "text": document.text,
        "title": document.title,
        "byline": document.byline[:1000],
        "published_at": document.published_at,
        "language": document.language[:16],
        "links": [link.as_dict() for link in document.links],
        "canonical_url": document.canonical_url,
        "site_name": document.site_name,
    }


def _announce(source_id: int, old_id: int | None, new_id: int) -> None:
    """snapshot_changed, once the transaction commits (at once outside one)."""
    transaction.on_commit(
        lambda: snapshot_changed.send(
            sender=Source, source_id=source_id, old_snapshot_id=old_id, new_snapshot_id=new_id
        )
    )


def _store_in_one_statement(
    *, source_id: int, values: dict, source_fields: dict
) -> tuple[Snapshot, bool, bool]:
    """``store_content`` on PostgreSQL: one statement, so no transaction of its own (BEGIN and COMMIT
    were two of a pull's nine round trips to the database); inside a caller's transaction it is part of it.

    Concurrent writers of the same source wait on its row lock; the same content stored concurrently
    meets ON CONFLICT and is touched, not inserted twice.
    """
    names = tuple(sorted(source_fields))
    params = [source_id]
    params += [
        Snapshot._meta.get_field(name).get_db_prep_save(values[name], connection) for name in _SNAPSHOT_FIELDS
    ]
    params += [
        Source._meta.get_field(name).get_db_prep_save(source_fields[name], connection) for name in names
    ]
    params.append(source_id)
    with prepared_cursor() as cursor:
        cursor.execute(_upsert_sql(names), params)
        row = cursor.fetchone()
    if row is None:
        raise Source.DoesNotExist(f"no source {source_id}")
    old_id, snapshot_id, created = row
    if created:
        snapshot = Snapshot(id=snapshot_id, **values)
        snapshot._state.adding, snapshot._state.db = False, connection.alias
    else:
        # Known content (a page reverted, or stored concurrently): the row keeps its first fetch.
        snapshot = Snapshot.objects.defer("raw_body", "text", "links").get(pk=snapshot_id)
    changed = old_id != snapshot_id
    if changed:
        _announce(source_id, old_id, snapshot_id)
    return snapshot, created, changed


def store_content(
    *,
    source_id: int,
    body: bytes,
    sha256: str,
    content_type: str,
    document: Document | None,
    final_url: str,
    http_status: int | None,
    fetched_at: datetime,
    source_fields: dict | None = None,
) -> tuple[Snapshot, bool, bool]:
    """Store the content as the source's current snapshot; return (snapshot, created, changed).

    Atomic with the source row locked (one statement on PostgreSQL, a transaction elsewhere);
    ``source_fields`` are written to the source with it (the pull's state). snapshot_changed goes out
    after commit when the current snapshot changed, including back to an older one (a page reverted to
    earlier content). Raises Source.DoesNotExist for an unknown source; without PostgreSQL,
    IntegrityError when a concurrent writer stored the same content first.
    """
    if document is not None and connection.vendor == "postgresql":
        return _store_in_one_statement(
            source_id=source_id,
            values=_snapshot_values(
                source_id, body, sha256, content_type, document, final_url, http_status, fetched_at
            ),
            source_fields=source_fields or {},
        )
    with transaction.atomic():
        with prepared_cursor() as cursor:
            cursor.execute(_lock_sql(), [source_id, sha256, source_id])
            row = cursor.fetchone()
        if row is None:
            raise Source.DoesNotExist(f"no source {source_id}")
        old_id, existing_id = row
        created = existing_id is None
        if created:
            values = _snapshot_values(
                source_id, body, sha256, content_type, document, final_url, http_status, fetched_at
            )
            snapshot = Snapshot(id=_insert_snapshot(values), **values)
            snapshot._state.adding, snapshot._state.db = False, connection.alias
        else:
            # Known content: its body, text and links are already stored; callers rarely read them.
            snapshot = Snapshot.objects.defer("raw_body", "text", "links").get(pk=existing_id)
            snapshot.last_seen_at = fetched_at
            snapshot.save(update_fields=["last_seen_at"])
        changed = old_id != snapshot.pk
        fields = dict(source_fields or {})
        if changed:
            fields["current_snapshot"] = snapshot.pk
        if fields:
            update_source(source_id, fields)
        if changed:
            _announce(source_id, old_id, snapshot.pk)
    return snapshot, created, changed


def record_snapshot(
    *,
    source: Source,
    body: bytes,
    content_type: str,
    final_url: str = "",
    http_status: int | None = None,
    fetched_at: datetime | None = None,
) -> tuple[Snapshot, bool]:
    """Extract and store content we already have; return (snapshot, created).

    No new row when a snapshot with the same sha256 exists for the source. The pull schedule and fetch
    state of the source are left as they are.
    """
    if isinstance(body, str):
        body = body.encode("utf-8")
        content_type = content_type.split(";")[0] + "; charset=utf-8"
    sha256 = hashlib.sha256(body).hexdigest()
    # Known content is not extracted again. A source without a current snapshot has none to look up (if
    # one was deleted, store_content still finds a stored copy by its hash: only the extraction is spent).
    existing = source.current_snapshot_id and (
        Snapshot.objects.filter(source=source, sha256=sha256).only("pk").first()
    )
    document = None if existing else extract_body(body, content_type, url=final_url or source.url)
    try:
        snapshot, created, _changed = store_content(
            source_id=source.pk,
            body=body,
            sha256=sha256,
            content_type=content_type,
            document=document,
            final_url=final_url or source.url,
            http_status=http_status,
            fetched_at=fetched_at or timezone.now(),
        )
    except IntegrityError:
        # A concurrent writer stored the same content first.
        return Snapshot.objects.get(source=source, sha256=sha256), False
    # store_content made it the current snapshot (or found it current already): no need to re-read.
    source.current_snapshot_id = snapshot.pk
    return snapshot, created
