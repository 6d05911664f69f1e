"""The shared cache of anonymous public verdict answers (claims/api/public_cache.py).

Runs on the configured cache: Redis with ``REDIS_URL`` (as in production), else the local-memory cache.
The invalidation tests commit for real (transactional database), as the service calls do in production.
"""

import threading

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import override_settings
from rest_framework.authtoken.models import Token

from claims import services
from claims.models import Claim
from tests import api_fixtures as fx
from tests.factories import EditorFactory, RatingFactory, claim_in_status
from tests.test_cache_outage import DEAD

LIST = "/api/v1/verdicts/"
CACHED = override_settings(API_PUBLIC_CACHE_SECONDS=30)
# Set per answer by middleware outside the cache, or by the cache itself.
PER_ANSWER = {"X-Cache", "X-Request-ID"}


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def same_answer(a, b) -> None:
    assert (a.status_code, a.content) == (b.status_code, b.content)
    assert {k: v for k, v in a.items() if k not in PER_ANSWER} == {
        k: v for k, v in b.items() if k not in PER_ANSWER
    }


@CACHED
@pytest.mark.django_db
def test_a_cached_answer_equals_the_uncached_one(client):
    verdict = fx.published_verdict()
    fx.correct(fx.published_verdict())
    for path in (LIST, f"{LIST}?page_size=2", f"{LIST}{verdict.pk}/", f"{LIST}{verdict.pk}/claimreview/"):
        with override_settings(API_PUBLIC_CACHE_SECONDS=0):
            uncached = client.get(path)
        first, second = client.get(path), client.get(path)

        assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "HIT"), path
        assert "X-Cache" not in uncached
        same_answer(first, uncached)
        same_answer(second, uncached)


@CACHED
@pytest.mark.django_db
def test_a_hit_still_answers_304_to_a_matching_etag(client):
    verdict = fx.published_verdict()
    first = client.get(f"{LIST}{verdict.pk}/")

    again = client.get(f"{LIST}{verdict.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])

    assert again.status_code == 304 and again["X-Cache"] == "HIT"
    assert again.content == b""
    assert again["ETag"] == first["ETag"]
    assert client.get(f"{LIST}{verdict.pk}/", HTTP_IF_NONE_MATCH='"other"').status_code == 200


@CACHED
@pytest.mark.django_db
def test_the_accept_header_and_the_query_are_part_of_the_key(client):
    fx.published_verdict()
    fx.published_verdict()
    assert client.get(LIST)["X-Cache"] == "MISS"
    assert client.get(LIST, {"page_size": 1})["X-Cache"] == "MISS"
    assert len(ids(client.get(LIST, {"page_size": 1}))) == 1
    assert client.get(LIST, HTTP_ACCEPT="application/json")["X-Cache"] == "MISS"
    assert client.get(LIST, HTTP_HOST="localhost")["X-Cache"] == "MISS"  # links carry the host


@CACHED
@pytest.mark.django_db
def test_authenticated_requests_are_never_served_from_nor_stored_into_the_cache(client):
    fx.published_verdict()
    editor = EditorFactory()
    token = Token.objects.create(user=editor)

    by_token = client.get(LIST, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert by_token.status_code == 200 and "X-Cache" not in by_token
    assert client.get(LIST)["X-Cache"] == "MISS"  # the token's answer was not stored
    assert client.get(LIST)["X-Cache"] == "HIT"
    assert "X-Cache" not in client.get(LIST, HTTP_AUTHORIZATION=f"Token {token.key}")
    assert "X-Cache" not in client.get(LIST, HTTP_AUTHORIZATION="Token not-a-token")  # 401, never cached

    client.force_login(editor)
    by_session = client.get(LIST)
    assert by_session.status_code == 200 and "X-Cache" not in by_session


@CACHED
@pytest.mark.django_db
def test_a_missing_verdict_and_other_endpoints_are_not_cached(client):
    assert client.get(f"{LIST}999999/").status_code == 404
    assert client.get(f"{LIST}999999/")["X-Cache"] == "MISS"
    assert "X-Cache" not in client.get(f"{LIST}export.jsonl")
    assert "X-Cache" not in client.head(LIST)


@override_settings(API_PUBLIC_CACHE_SECONDS=30, CACHES=DEAD)
@pytest.mark.django_db
def test_with_redis_down_public_answers_are_still_served(client):
    verdict = fx.published_verdict()
    for _ in range(2):
        response = client.get(LIST)
        assert response.status_code == 200 and ids(response) == [verdict.pk]
        assert response["X-Cache"] == "MISS"
    assert client.get(f"{LIST}{verdict.pk}/").status_code == 200


@CACHED
@pytest.mark.django_db(transaction=True)
def test_publish_correct_and_withdraw_show_at_once_after_commit(client):
    editor = EditorFactory()
    claim = claim_in_status(Claim.Status.IN_REVIEW, editor=editor)
    assert ids(client.get(LIST)) == []  # the proposed verdict is not public
    assert client.get(LIST)["X-Cache"] == "HIT"

    published = services.verdict_approve(claim=claim, actor=editor)
    after_publish = client.get(LIST)
    assert ids(after_publish) == [published.pk] and after_publish["X-Cache"] == "MISS"
    assert client.get(f"{LIST}{published.pk}/").json()["state"] == "published"

    correction = services.verdict_correct(
        claim=Claim.objects.get(pk=claim.pk),
        actor=editor,
        rating=published.rating,  # wording only: published at once by one editor
        summary="It fell to 4.2 per cent.",
        explanation="Re-read.",
        correction_note="We misread the table.",
    )
    rows = {row["id"]: row for row in client.get(LIST).json()["results"]}
    assert set(rows) == {published.pk, correction.pk}
    assert rows[published.pk]["state"] == "corrected"
    assert client.get(f"{LIST}{published.pk}/").json()["state"] == "corrected"

    services.verdict_withdraw(claim=Claim.objects.get(pk=claim.pk), actor=editor, reason="Source retracted.")
    assert ids(client.get(LIST)) == [published.pk]  # the corrected one stays public; the withdrawn goes
    assert client.get(f"{LIST}{correction.pk}/").status_code == 404


@CACHED
@pytest.mark.django_db(transaction=True)
def test_a_reader_between_a_change_and_its_commit_does_not_keep_the_old_answer(client):
    """A request reading the old rows after the change is made but before it commits stores them; the
    commit must retire that entry (the version is replaced on commit too)."""
    if connection.vendor != "postgresql":
        pytest.skip("needs a second connection that cannot see the uncommitted row (PostgreSQL)")
    RatingFactory(slug="false")  # a transactional test starts without the migrated scale
    verdict = fx.published_verdict()
    assert client.get(LIST)["X-Cache"] == "MISS"
    seen = {}

    def concurrent_reader():
        from django.test import Client

        seen["answer"] = Client().get(LIST)
        connection.close()

    with transaction.atomic():
        newer = fx.published_verdict()  # saved: the version is replaced now, and again on commit
        reader = threading.Thread(target=concurrent_reader)
        reader.start()
        reader.join()
    assert ids(seen["answer"]) == [verdict.pk]  # it read the committed rows only, and stored them

    assert ids(client.get(LIST)) == [newer.pk, verdict.pk]


@CACHED
@pytest.mark.django_db
def test_editing_a_public_claimant_retires_the_cached_answers(client):
    verdict = fx.published_verdict()
    client.get(f"{LIST}{verdict.pk}/")
    claimant = verdict.claim.claimant
    claimant.name = "Jane Minister (renamed)"
    claimant.save()

    assert client.get(f"{LIST}{verdict.pk}/").json()["claimant"]["name"] == "Jane Minister (renamed)"


@CACHED
@pytest.mark.django_db(transaction=True)
def test_many_readers_of_a_missing_answer_cause_one_build(client):
    """A burst of readers arriving when an answer is not cached (start-up, a publication) waits for one
    build instead of each querying the database for the same page."""
    RatingFactory(slug="false")  # a transactional test starts without the migrated scale
    verdict = fx.published_verdict()
    answers, start = [], threading.Barrier(8)

    def reader():
        from django.test import Client

        start.wait()
        answers.append(Client().get(LIST))
        connection.close()

    readers = [threading.Thread(target=reader) for _ in range(8)]
    for thread in readers:
        thread.start()
    for thread in readers:
        thread.join()

    assert [ids(answer) for answer in answers] == [[verdict.pk]] * 8
    assert sorted(answer["X-Cache"] for answer in answers) == ["HIT"] * 7 + ["MISS"]
