"""Drafts, proposals, withdrawn verdicts, internal notes and who did the work never reach public output.

Every public endpoint of the permission table (each route whose anonymous cell is 200) is asked, as
anonymous, for the newsroom of ``tests.permission_world``: claims in every status, a draft, a proposed
and a withdrawn verdict, evidence notes, left-out evidence, an audit comment and named staff, all marked
``PRIVATE-``. Detail routes are asked for every verdict of the world; lists also with ``q`` searching the
private texts. The published claim (``PUBLIC-CLAIM-PUBLISHED``) must show, so that the check can fail.
"""

import pytest
from django.core.cache import cache
from django.urls import resolve, reverse
from rest_framework.test import APIClient

from claims.models import Verdict
from tests.permission_table import API_ROWS
from tests.permission_world import world_fixture  # noqa: F401 - fixture world

PRIVATE = ("PRIVATE-", "perm-reviewer", "perm-desk-editor", "perm-editor", "@example.org")
PUBLISHED = "PUBLIC-CLAIM-PUBLISHED"
WITHOUT_DATA = {"healthz", "api-v1:schema", "api-v1:docs"}  # public, but they show no verdicts at all
PUBLIC_ROWS = [r for r in API_ROWS if r.method == "GET" and r.expect["anonymous"] in ("200", "sees")]


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _leaks(body: str) -> list[str]:
    return [marker for marker in PRIVATE if marker in body]


def test_every_public_endpoint_of_the_table_is_checked_here():
    names = {r.key[0] for r in PUBLIC_ROWS}
    assert names >= {
        "public-verdict",
        "feed-verdicts",
        "api-v1:verdict-list",
        "api-v1:verdict-detail",
        "api-v1:verdict-claimreview",
        "api-v1:verdict-export-csv",
        "api-v1:verdict-export-jsonl",
        "api-v1:schema",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("row", PUBLIC_ROWS, ids=[r.id for r in PUBLIC_ROWS])
def test_public_output_shows_the_published_verdict_and_nothing_private(world, row):
    client = APIClient()
    url = row.url(world)
    match = resolve(url)
    published = world.objects["claims.Verdict"]
    if "pk" in match.kwargs:
        # A detail route: the published verdict, and every other verdict of the world, which must be 404.
        others = Verdict.objects.exclude(pk=published.pk)
        assert set(others.values_list("state", flat=True)) == {"draft", "proposed", "withdrawn"}
        for verdict in others:
            response = client.get(reverse(match.view_name, kwargs={**match.kwargs, "pk": verdict.pk}))
            assert response.status_code == 404, (verdict.state, response.status_code)
            assert _leaks(_body(response)) == [], verdict.state
    else:
        response = client.get(url, {"q": "PRIVATE"})
        assert response.status_code == 200
        assert _leaks(_body(response)) == [], "a search for the private texts"

    response = client.get(url)
    body = _body(response)

    assert response.status_code == 200
    assert _leaks(body) == []
    if row.key[0] not in WITHOUT_DATA:
        assert PUBLISHED in body
