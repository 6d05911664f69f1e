"""The service's URLs plus two hand-written baselines for bench/api.py, each one query and JsonResponse:

- ``/bench/minimal/``: the page's verdict rows with their joins (claim, claimant, article, rating) and
  nothing else: no evidence, no correction history, no links, no conditional GET;
- ``/bench/minimal-full/``: the same rows with the same content as the API (evidence and correction
  history as JSON arrays, built by PostgreSQL in the same single query), still without DRF.

``GET /api/v1/verdicts/`` is measured against both.
"""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef
from django.db.models.functions import JSONObject
from django.http import JsonResponse
from django.urls import path

from claims.models import Evidence, Verdict
from factcheck.urls import urlpatterns as service_urlpatterns

FIELDS = (
    "id",
    "state",
    "summary",
    "explanation",
    "published_at",
    "updated_at",
    "claim__id",
    "claim__text",
    "claim__restatement",
    "claim__claimant__name",
    "claim__article__title",
    "claim__article__source__url",
    "rating__label",
    "rating__value",
)


def minimal(request):
    size = min(int(request.GET.get("page_size", 50)), 100)
    rows = list(
        Verdict.objects.filter(state__in=("published", "corrected"))
        .order_by("-published_at", "-id")
        .values(*FIELDS)[:size]
    )
    return JsonResponse({"results": rows})


def minimal_full(request):
    size = min(int(request.GET.get("page_size", 50)), 100)
    evidence = (
        Evidence.objects.filter(claim_id=OuterRef("claim_id"), dismissed=False)
        .exclude(stance__in=("unknown", "unrelated"))
        .order_by("id")
        .values(
            json=JSONObject(
                url="source__url",
                stance="stance",
                excerpt="excerpt",
                snapshot_id="snapshot_id",
                fetched_at="snapshot__fetched_at",
                sha256="snapshot__sha256",
            )
        )
    )
    history = (
        Verdict.objects.filter(claim_id=OuterRef("claim_id"), state__in=("published", "corrected"))
        .order_by("published_at", "id")
        .values(json=JSONObject(id="id", state="state", published_at="published_at", rating="rating__label"))
    )
    rows = list(
        Verdict.objects.filter(state__in=("published", "corrected"))
        .annotate(evidence=ArraySubquery(evidence), history=ArraySubquery(history))
        .order_by("-published_at", "-id")
        .values(*FIELDS, "evidence", "history")[:size]
    )
    return JsonResponse({"results": rows})


urlpatterns = [
    path("bench/minimal/", minimal),
    path("bench/minimal-full/", minimal_full),
    *service_urlpatterns,
]
