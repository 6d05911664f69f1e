"""Idempotency-Key on API writes: a repeat returns the first response and does nothing again."""

import hashlib

import pytest
from django.core.cache import cache
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from claims.models import Article, ClaimEvent
from claims.models_api import IdempotencyKey
from tests.factories import EditorFactory, ReviewerFactory, claim_in_status

pytestmark = pytest.mark.django_db
ARTICLES = "/api/v1/articles/"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def client_for(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + Token.objects.get_or_create(user=user)[0].key)
    return client


def test_a_repeated_submission_returns_the_first_response_once(django_capture_on_commit_callbacks):
    client = client_for(EditorFactory())
    body = {"text": "The mayor said the bridge cost 4 million euros."}

    first = client.post(ARTICLES, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    Article.objects.filter(pk=first.json()["id"]).update(analysis_state="done")  # the world moved on
    repeat = client.post(ARTICLES, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")

    assert first.status_code == repeat.status_code == 202
    assert repeat.json() == first.json()  # the stored first answer, state "queued"
    assert repeat["Location"] == first["Location"]
    assert repeat["Idempotent-Replayed"] == "true" and not first.has_header("Idempotent-Replayed")
    assert Article.objects.count() == 1


def test_a_repeated_workflow_verb_changes_nothing_the_second_time():
    editor, reviewer = EditorFactory(), ReviewerFactory()
    claim = claim_in_status("open", editor=editor)
    client = client_for(editor)
    url = f"/api/v1/claims/{claim.pk}/assign/"

    first = client.post(
        url, {"assignee": reviewer.pk, "version": claim.version}, format="json", HTTP_IDEMPOTENCY_KEY="a1"
    )
    events = ClaimEvent.objects.filter(claim=claim).count()
    repeat = client.post(
        url, {"assignee": reviewer.pk, "version": claim.version}, format="json", HTTP_IDEMPOTENCY_KEY="a1"
    )

    assert first.status_code == repeat.status_code == 200  # not a 409 for the now stale version
    assert repeat.json() == first.json()
    assert ClaimEvent.objects.filter(claim=claim).count() == events


def test_the_same_key_with_another_body_is_refused_with_422():
    client = client_for(EditorFactory())
    client.post(ARTICLES, {"url": "https://news.example.com/1"}, format="json", HTTP_IDEMPOTENCY_KEY="k")

    response = client.post(
        ARTICLES, {"url": "https://news.example.com/2"}, format="json", HTTP_IDEMPOTENCY_KEY="k"
    )

    assert response.status_code == 422 and response.json()["code"] == "idempotency_key_reused"
    assert Article.objects.count() == 1


def test_keys_are_scoped_per_user():
    body = {"url": "https://news.example.com/shared"}
    alice, bob = client_for(EditorFactory()), client_for(EditorFactory())

    alice.post(ARTICLES, body, format="json", HTTP_IDEMPOTENCY_KEY="same")
    response = bob.post(
        ARTICLES, {"url": "https://news.example.com/other"}, format="json", HTTP_IDEMPOTENCY_KEY="same"
    )

    assert response.status_code == 202 and not response.has_header("Idempotent-Replayed")
    assert IdempotencyKey.objects.filter(key="same").count() == 2


def test_an_error_response_is_replayed_too():
    client = client_for(EditorFactory())
    first = client.post(ARTICLES, {}, format="json", HTTP_IDEMPOTENCY_KEY="bad")
    repeat = client.post(ARTICLES, {}, format="json", HTTP_IDEMPOTENCY_KEY="bad")
    assert first.status_code == repeat.status_code == 400 and repeat.json() == first.json()


def test_a_key_whose_first_request_is_still_running_answers_409():
    user = EditorFactory()
    body = b'{"url": "https://news.example.com/x"}'
    IdempotencyKey.objects.create(  # what the first request left while it runs: no response yet
        user=user, key="busy", method="POST", path=ARTICLES, request_sha256=hashlib.sha256(body).hexdigest()
    )
    client = client_for(user)

    response = client.post(ARTICLES, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="busy")

    assert response.status_code == 409 and response.json()["code"] == "idempotency_key_in_use"


def test_a_malformed_key_is_refused():
    response = client_for(EditorFactory()).post(
        ARTICLES, {"url": "https://e.example/"}, format="json", HTTP_IDEMPOTENCY_KEY="x" * 300
    )
    assert response.status_code == 400 and "Idempotency-Key" in response.json()["errors"]


def test_a_body_over_the_upload_limit_answers_413_in_the_error_shape(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    body = {"text": "x" * 2000}
    client = client_for(EditorFactory())

    for headers in ({}, {"HTTP_IDEMPOTENCY_KEY": "big"}):
        response = client.post(ARTICLES, body, format="json", **headers)
        assert response.status_code == 413 and response.json()["code"] == "too_large"
    assert not Article.objects.exists() and not IdempotencyKey.objects.exists()
