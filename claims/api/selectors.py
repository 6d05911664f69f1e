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
from django.db import connection
from django.db.models import OuterRef, QuerySet, Subquery
from django.db.models.functions import JSONObject

from claims.models import Evidence, Rating, Verdict

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
        evidence=ArraySubquery(evidence),
        versions=ArraySubquery(versions),
        scale_best=Subquery(scale.order_by("-value").values("value")[:1]),
        scale_worst=Subquery(scale.order_by("value").values("value")[:1]),
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
    rows = public_verdict_models()
    if vendor == "postgresql":
        rows = _nested_in_one_query(rows, with_changes)
        fields += ("evidence", "versions", "scale_best", "scale_worst")
    return rows.values(*fields)


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
