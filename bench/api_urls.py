"""The service's URLs plus ``/bench/minimal/``: one page of the same rows as JSON from a single query.

The baseline for bench/api.py: what a hand-written view costs that skips DRF, evidence, correction
history, links and conditional GET. ``GET /api/v1/verdicts/`` is measured against it.
"""

from django.http import JsonResponse
from django.urls import path

from claims.models import Verdict
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


urlpatterns = [path("bench/minimal/", minimal), *service_urlpatterns]
