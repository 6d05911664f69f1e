"""Malformed input answers 400 (a form error in the admin) and writes nothing: tampered cursors, NUL
bytes in query strings, forms and JSON bodies, JSON nested too deeply, an empty alias list."""

import base64
import json

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import Claim, Claimant, ClaimEvent
from tests import admin_fixtures as afx
from tests import api_fixtures as fx
from tests.factories import EditorFactory, ReviewerFactory, claim_in_status

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def token_client(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.get_or_create(user=user)[0].key)
    return client


def cursor(querystring: str) -> str:
    return base64.b64encode(querystring.encode()).decode()


# --- tampered cursors ----------------------------------------------------------------------------


@pytest.mark.parametrize("position", ["abc", "2026-13-45T00:00:00+00:00", "\x00"])
def test_a_tampered_verdict_cursor_answers_404_invalid_cursor(client, position):
    fx.published_verdict()
    response = client.get(f"{API}/verdicts/", {"cursor": cursor(f"p={position}")})
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Invalid cursor"}


def test_the_issue_cursor_answers_404_on_verdicts_and_claims(client):
    assert client.get(f"{API}/verdicts/?cursor=cD1hYmM=").status_code == 404
    editor = EditorFactory()
    claim_in_status("open", editor=editor)
    response = token_client(editor).get(f"{API}/claims/?cursor=cD1hYmM=")
    assert response.status_code == 404
    assert response.json()["message"] == "Invalid cursor"


def test_a_cursor_from_a_real_page_still_walks_to_the_next_page(client):
    for _ in range(3):
        fx.published_verdict()
    first = client.get(f"{API}/verdicts/", {"page_size": 2}).json()
    second = client.get(first["next"])
    assert second.status_code == 200
    assert len(second.json()["results"]) == 1


# --- NUL bytes -----------------------------------------------------------------------------------


@pytest.mark.parametrize("verb", ["propose", "correct"])
def test_a_nul_byte_in_the_rating_slug_answers_400_and_changes_nothing(verb):
    editor, reviewer = EditorFactory(), ReviewerFactory()
    status = "researching" if verb == "propose" else "published"
    claim = claim_in_status(status, editor=editor, reviewer=reviewer)
    actor = reviewer if verb == "propose" else editor
    events_before = ClaimEvent.objects.filter(claim=claim).count()
    body = {
        "version": claim.version,
        "rating": "fa\x00lse",
        "summary": "Summary.",
        "explanation": "Explanation.",
        "correction_note": "Note.",
    }
    response = token_client(actor).post(f"{API}/claims/{claim.pk}/{verb}/", body, format="json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert "NUL" in response.json()["message"]
    claim.refresh_from_db()
    assert claim.status == status
    assert ClaimEvent.objects.filter(claim=claim).count() == events_before


@pytest.mark.parametrize(
    "url",
    [
        f"{API}/verdicts/?rating=%00",
        f"{API}/verdicts/?claimant=a%00b",
        f"{API}/claims/?status=%00",
        f"{API}/claims/?q=%00",
        f"{API}/claimants/?search=x%00",
    ],
)
def test_a_nul_byte_in_an_api_query_parameter_answers_400_with_a_reason(url):
    response = token_client(EditorFactory()).get(url)
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "invalid"
    assert "NUL" in response.json()["message"]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/claims/claim/?status=%00",
        "/admin/claims/claim/?q=%00",
        "/admin/claims/verdict/?rating__slug__exact=%00",
        "/admin/sources/source/?domain=%00",
        "/admin/autocomplete/?term=%00&app_label=claims&model_name=claim&field_name=claimant",
    ],
)
def test_a_nul_byte_in_an_admin_filter_search_or_autocomplete_term_answers_400(client, url):
    client.force_login(afx.user("boss", superuser=True))
    response = client.get(url)
    assert response.status_code == 400
    assert b"NUL" in response.content


def test_a_nul_byte_in_an_admin_form_answers_400_and_writes_nothing(client):
    client.force_login(afx.user("boss", superuser=True))
    response = client.post(
        "/admin/claims/claimant/add/", {"name": "Jane\x00Doe", "kind": "person", "aliases": "[]"}
    )
    assert response.status_code == 400
    assert not Claimant.objects.filter(name__startswith="Jane").exists()


# --- deep JSON -----------------------------------------------------------------------------------


def test_json_nested_a_hundred_thousand_levels_answers_400_and_creates_nothing():
    editor = EditorFactory()
    body = '{"text": ' + "[" * 100_000 + "]" * 100_000 + "}"
    response = token_client(editor).post(f"{API}/claims/", body, content_type="application/json")
    assert response.status_code == 400, response.content
    assert response.json()["code"] == "parse_error"
    assert not Claim.objects.exists()


def test_json_nested_a_few_levels_is_still_parsed():
    editor = EditorFactory()
    body = json.dumps({"text": "Prices rose by 3 per cent in May.", "kind": "other"})
    response = token_client(editor).post(f"{API}/claims/", body, content_type="application/json")
    assert response.status_code == 201, response.content


# --- the admin claimant form ---------------------------------------------------------------------


def test_adding_a_claimant_with_empty_aliases_in_the_admin_saves_an_empty_list(client):
    client.force_login(afx.user("boss", superuser=True))
    response = client.post(
        "/admin/claims/claimant/add/", {"name": "Jane Doe", "kind": "person", "aliases": ""}
    )
    assert response.status_code == 302
    assert Claimant.objects.get(name="Jane Doe").aliases == []


@pytest.mark.parametrize("aliases", ['{"a": 1}', "[1, 2]", '"Mr. Doe"'])
def test_aliases_that_are_not_a_list_of_names_are_a_form_error_in_the_admin(client, aliases):
    client.force_login(afx.user("boss", superuser=True))
    response = client.post(
        "/admin/claims/claimant/add/", {"name": "Jane Doe", "kind": "person", "aliases": aliases}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["aliases"]
    assert not Claimant.objects.filter(name="Jane Doe").exists()
