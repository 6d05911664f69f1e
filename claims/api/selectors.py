"""Reads behind the public API, the export, the feed, the webhooks and the public pages: what anyone may see.

Public means: verdicts in state ``published`` or ``corrected`` (never draft, proposed or withdrawn), and of
their claim's evidence only what a reviewer kept with a stance (supports, refutes, context); never the
evidence's internal note, never who wrote or approved the verdict unless the organisation publishes names.

Rows are plain dicts (``values()``), not model instances: a page of 50 verdicts with their evidence and
correction history is about 700 model instances, which cost four times the database time to build
(bench/api.py: 115 ms per page with instances, 38 ms with dicts in four queries). On PostgreSQL a page is
one query (evidence and history as JSON arrays per row); elsewhere ``attach_related`` adds two queries.
"""

import functools
from collections import defaultdict
from itertools import islice

from django.conf import settings
from django.contrib.postgres.expressions import ArraySubquery
from django.core.exceptions import EmptyResultSet
from django.db import connection, connections
from django.db.models import BooleanField, Expression, OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject
from django.db.models.query import ValuesIterable

from claims.models import Evidence, Rating, Verdict
from factcheck.prepared import prepared_cursor

PUBLIC_STATES = (Verdict.State.PUBLISHED, Verdict.State.CORRECTED)
PUBLIC_STANCES = (Evidence.Stance.SUPPORTS, Evidence.Stance.REFUTES, Evidence.Stance.CONTEXT)

VERDICT_FIELDS = (
    "id",
    "state",
    "summary",
    "explanation",
    "correction_note",
    "published_at",
    "updated_at",
    "claim_id",
    "claim__text",
    "claim__restatement",
    "claim__kind",
    "claim__claimant_id",
    "claim__claimant__name",
    "claim__claimant__kind",
    "claim__claimant__description",
    "claim__article_id",
    "claim__article__title",
    "claim__article__publisher",
    "claim__article__published_at",
    "claim__article__language",
    "claim__article__source__url",
    "claim__article__canonical_url",
    "rating_id",
    "rating__label",
    "rating__slug",
    "rating__value",
    "rating__colour",
)
# Only the detail's Last-Modified needs these; a list skips parsing them (timestamps are the costliest
# columns to load).
CHANGE_FIELDS = ("claim__updated_at", "claim__claimant__updated_at", "claim__article__updated_at")
REVIEWER_FIELDS = (
    "author__username",
    "author__first_name",
    "author__last_name",
    "approver__username",
    "approver__first_name",
    "approver__last_name",
)


def public_verdict_models() -> QuerySet:
    """Public verdicts as model instances (for code that needs them, e.g. ClaimReview and the feed)."""
    return Verdict.objects.filter(state__in=PUBLIC_STATES).order_by("-published_at", "-id")


class _IsPublic(Expression):
    """``state IN ('published', 'corrected')`` with the states written into the SQL, not as parameters.

    Only then can PostgreSQL reuse one plan of the prepared page query (see ``_PreparedValuesIterable``):
    a generic plan with the states as parameters cannot prove the partial index
    ``verdict_public_recent_idx`` (``WHERE state IN ('published', 'corrected')``) applies, and sorts
    every public verdict instead.
    """

    conditional = True
    output_field = BooleanField()

    def as_sql(self, compiler, connection):
        table = compiler.quote_name_unless_alias(Verdict._meta.db_table)
        column = f"{table}.{connection.ops.quote_name('state')}"
        states = ", ".join(f"'{state}'" for state in PUBLIC_STATES)  # fixed identifiers of ours: no quoting
        return f"{column} IN ({states})", []


class _CompiledOnce:
    """A subquery whose SQL is compiled once and reused by every clone of the query template.

    ``_rows_template`` is built once per process and its clones share these expression objects; compiling
    the correlated subqueries (joins, JSON objects) cost 1.5 ms of CPU per page, more than the rest of the
    query. The SQL depends only on the connection and on the aliases fixed when the template was resolved;
    a relabelled copy (the query nested in another) compiles afresh.
    """

    def as_sql(self, compiler, connection, *args, **kwargs):
        key = (connection.alias, type(compiler), args, tuple(sorted(kwargs.items())))
        cached = self.__dict__.get("_compiled_sql")
        if cached is None or cached[0] != key:
            sql, params = super().as_sql(compiler, connection, *args, **kwargs)
            cached = self._compiled_sql = (key, sql, tuple(params))
        return cached[1], list(cached[2])

    def relabeled_clone(self, change_map):
        clone = super().relabeled_clone(change_map)
        clone.__dict__.pop("_compiled_sql", None)
        return clone

    def copy(self):
        clone = super().copy()
        clone.__dict__.pop("_compiled_sql", None)
        return clone


class _ArraySubqueryOnce(_CompiledOnce, ArraySubquery):
    pass


class _SubqueryOnce(_CompiledOnce, Subquery):
    pass


def _evidence_fields(with_changes: bool) -> dict:
    fields = {
        "url": "source__url",
        "stance": "stance",
        "excerpt": "excerpt",
        "snapshot_id": "snapshot_id",
        "fetched_at": "snapshot__fetched_at",
        "sha256": "snapshot__sha256",
    }
    return {**fields, "updated_at": "updated_at"} if with_changes else fields


def _version_fields(with_changes: bool) -> dict:
    fields = {
        "id": "id",
        "state": "state",
        "published_at": "published_at",
        "correction_note": "correction_note",
        "rating": "rating__label",
    }
    return {**fields, "updated_at": "updated_at"} if with_changes else fields


def _public_evidence(**claim) -> QuerySet:
    return Evidence.objects.filter(dismissed=False, stance__in=PUBLIC_STANCES, **claim).order_by("id")


def _public_versions(**claim) -> QuerySet:
    return Verdict.objects.filter(state__in=PUBLIC_STATES, **claim).order_by("published_at", "id")


def _nested_in_one_query(rows: QuerySet, with_changes: bool) -> QuerySet:
    """PostgreSQL: evidence, correction history and the scale's bounds come with each row, as JSON.

    One round trip per page instead of four; the correlated subqueries are index lookups (evidence and
    verdicts by claim), the bounds an InitPlan evaluated once per query.
    """
    claim = {"claim_id": OuterRef("claim_id")}
    evidence = _public_evidence(**claim).values(json=JSONObject(**_evidence_fields(with_changes)))
    versions = _public_versions(**claim).values(json=JSONObject(**_version_fields(with_changes)))
    scale = Rating.objects.filter(is_active=True, value__isnull=False)
    return rows.annotate(
        evidence=_ArraySubqueryOnce(evidence),
        versions=_ArraySubqueryOnce(versions),
        scale_best=_SubqueryOnce(scale.order_by("-value").values("value")[:1]),
        scale_worst=_SubqueryOnce(scale.order_by("value").values("value")[:1]),
    )


def public_verdict_rows(*, with_changes: bool = False) -> QuerySet:
    """Public verdicts newest first as dicts of ``VERDICT_FIELDS`` (one query, joins included).

    On PostgreSQL each row also carries its ``evidence``, ``versions`` and the scale's bounds; elsewhere
    ``attach_related`` adds them. ``with_changes`` adds the change dates that ``last_modified`` needs.
    """
    names = settings.FACTCHECK_PUBLISH_REVIEWER_NAMES
    return _rows_template(connection.vendor, names, with_changes).all()


@functools.lru_cache(maxsize=16)
def _rows_template(vendor: str, reviewer_names: bool, with_changes: bool) -> QuerySet:
    """Built once per process and cloned per request: resolving these expressions costs more than
    running the query (12 ms against 15 ms in bench/api.py); the arguments are all it depends on.
    Callers only ever get clones (``.all()``), so this one is never evaluated and caches no rows."""
    fields = VERDICT_FIELDS + (REVIEWER_FIELDS if reviewer_names else ())
    fields += CHANGE_FIELDS if with_changes else ()
    rows = Verdict.objects.filter(_IsPublic()).order_by(*public_verdict_models().query.order_by)
    if vendor == "postgresql":
        rows = _nested_in_one_query(rows, with_changes)
        fields += ("evidence", "versions", "scale_best", "scale_worst")
    rows = rows.values(*fields)
    if vendor == "postgresql":
        rows._iterable_class = _PreparedValuesIterable
    return rows


class _PreparedValuesIterable(ValuesIterable):
    """``values()`` rows read through a server-side prepared statement (PostgreSQL).

    Planning this query (joins and two correlated subqueries) costs PostgreSQL more than running it
    (bench/api.py: about 3 ms against 1 ms); a prepared statement is planned once per connection and
    distinct SQL text (psycopg keeps up to 100 per connection). Django leaves preparation off
    (``prepare_threshold``) for the sake of transaction-mode poolers; ``API_PREPARED_QUERIES=false``
    turns it off here too for a pooler older than PgBouncer 1.21. Chunked reads (the exports'
    ``iterator()``) take Django's usual path.
    """

    def __iter__(self):
        queryset = self.queryset
        connection = connections[queryset.db]
        if self.chunked_fetch or connection.vendor != "postgresql" or not settings.API_PREPARED_QUERIES:
            yield from super().__iter__()
            return
        compiler = queryset.query.get_compiler(queryset.db)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return
        with prepared_cursor(queryset.db) as cursor:
            cursor.execute(sql, params)
            results = [cursor.fetchall()]
        query = queryset.query
        names = list(query.selected or [*query.extra_select, *query.values_select, *query.annotation_select])
        for row in compiler.results_iter(results=results):
            yield dict(zip(names, row, strict=True))


def attach_related(rows: list[dict], *, with_changes: bool = False) -> list[dict]:
    """Give each row its ``evidence`` and ``versions`` (oldest first) unless the query brought them.

    Without PostgreSQL's JSON functions this costs 2 queries per call, whatever the number of rows.
    """
    if not rows or "evidence" in rows[0]:
        return rows
    claim_ids = {row["claim_id"] for row in rows}
    evidence, versions = defaultdict(list), defaultdict(list)
    for claim_id, item in _renamed(_public_evidence(claim_id__in=claim_ids), _evidence_fields(with_changes)):
        evidence[claim_id].append(item)
    for claim_id, item in _renamed(_public_versions(claim_id__in=claim_ids), _version_fields(with_changes)):
        versions[claim_id].append(item)
    for row in rows:
        row["evidence"] = evidence[row["claim_id"]]
        row["versions"] = versions[row["claim_id"]]
    return rows


def _renamed(queryset: QuerySet, fields: dict):
    """Yield (claim id, {output name: value}) for each row, the same shape as the JSON of PostgreSQL."""
    for item in queryset.values("claim_id", *fields.values()):
        yield item["claim_id"], {name: item[lookup] for name, lookup in fields.items()}


def iter_public_rows(queryset: QuerySet, *, chunk: int = 500):
    """Yield rows of ``queryset`` (from ``public_verdict_rows``) with their related data, ``chunk`` at a time.

    Reads with a server-side cursor on PostgreSQL, so memory stays flat however many rows there are.
    """
    rows = queryset.iterator(chunk_size=chunk)
    while batch := list(islice(rows, chunk)):
        yield from attach_related(batch)
