import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from claims.admin.pagination import EstimatedCountPaginator
from claims.models import Claim
from tests import admin_fixtures as fx

URL = reverse("admin:claims_claim_changelist")


def _count_queries(ctx) -> list[str]:
    return [q["sql"] for q in ctx.captured_queries if q["sql"].upper().startswith("SELECT COUNT(")]


@pytest.mark.django_db
def test_small_results_are_counted_exactly(client, settings):
    settings.ADMIN_EXACT_COUNT_BELOW = 1000
    fx.claim("one")
    fx.claim("two")
    client.force_login(fx.user("ed", role="editor"))
    response = client.get(URL)
    assert response.context["cl"].result_count == 2
    assert response.context["cl"].full_result_count is None  # no second, unfiltered count


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_large_postgresql_results_use_the_planner_estimate_instead_of_count(client, settings):
    settings.ADMIN_EXACT_COUNT_BELOW = 100
    art = fx.article()
    Claim.objects.bulk_create([Claim(text=f"claim {i}", article=art, status="open") for i in range(600)])
    Claim.objects.bulk_create([Claim(text=f"candidate {i}", status="candidate") for i in range(20)])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE claims_claim")
    client.force_login(fx.user("ed", role="editor"))
    with CaptureQueriesContext(connection) as ctx:
        unfiltered = client.get(URL).context["cl"]
        filtered = client.get(URL, {"status__exact": "open"}).context["cl"]
    assert not _count_queries(ctx)
    assert 500 <= unfiltered.result_count <= 700
    assert 500 <= filtered.result_count <= 700
    assert unfiltered.paginator.is_estimate and filtered.paginator.is_estimate
    # A filter the planner expects to match few rows is counted exactly.
    small = client.get(URL, {"status__exact": "candidate"}).context["cl"]
    assert small.result_count == 20 and not small.paginator.is_estimate


@pytest.mark.django_db
def test_the_paginator_counts_plain_lists_exactly():
    assert EstimatedCountPaginator(list(range(7)), 3).count == 7
