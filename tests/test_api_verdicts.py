"""The public verdict API: what anonymous clients see, filters, pagination, caching and query budget."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from claims.models import Verdict
from tests import api_fixtures as fx

pytestmark = pytest.mark.django_db
LIST = "/api/v1/verdicts/"


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()
    yield
    cache.clear()


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_anonymous_list_shows_only_published_and_corrected_verdicts(client):
    published = fx.published_verdict()
    corrected = fx.published_verdict()
    current = fx.correct(corrected)
    hidden = [fx.published_verdict(state=s) for s in ("draft", "proposed", "withdrawn")]

    response = client.get(LIST)

    assert response.status_code == 200
    assert set(ids(response)) == {published.pk, corrected.pk, current.pk}
    for verdict in hidden:
        assert client.get(f"{LIST}{verdict.pk}/").status_code == 404
        assert client.get(f"{LIST}{verdict.pk}/claimreview/").status_code == 404


def test_verdict_json_carries_claim_claimant_article_rating_and_kept_evidence(client):
    verdict = fx.published_verdict(text="Crime doubled last year.", rating="false")

    data = client.get(f"{LIST}{verdict.pk}/").json()

    assert data["claim"]["text"] == "Crime doubled last year."
    assert data["claimant"]["name"] == verdict.claim.claimant.name
    assert data["article"]["url"] == verdict.claim.article.source.url
    assert data["article"]["publisher"] == "Example News"
    assert data["rating"] == {
        "label": "False",
        "slug": "false",
        "value": 1.0,
        "best": 5.0,
        "worst": 1.0,
        "colour": "#c62828",
    }
    assert data["summary"] == "It fell by 0.2 points, not by half."
    assert data["state"] == "published" and data["is_current"] is True and data["current_verdict"] is None
    assert [e["stance"] for e in data["evidence"]] == ["refutes"]  # the dismissed suggestion is not shown
    snapshot = verdict.claim.evidence.get(dismissed=False).snapshot
    assert data["evidence"][0]["snapshot"] == {
        "id": snapshot.pk,
        "fetched_at": "2026-03-01T12:00:00Z",
        "sha256": snapshot.sha256,
    }
    assert data["page_url"] == f"http://testserver/checks/{verdict.pk}/"


def test_public_json_never_contains_internal_notes_or_reviewer_names(client):
    author = fx.user("rev_alice", first_name="Alice", last_name="Reviewer")
    approver = fx.user("ed_bob", first_name="Bob", last_name="Editor")
    verdict = fx.published_verdict(author=author, approver=approver, evidence_note="SECRET-NOTE-42")

    for url in (LIST, f"{LIST}{verdict.pk}/", "/api/v1/verdicts/export.jsonl", "/api/v1/verdicts/export.csv"):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        assert "SECRET-NOTE-42" not in text and "dismissed suggestion" not in text, url
        assert "Alice" not in text and "rev_alice" not in text and "Bob" not in text, url
    assert "author" not in client.get(f"{LIST}{verdict.pk}/").json()


@override_settings(FACTCHECK_PUBLISH_REVIEWER_NAMES=True)
def test_reviewer_names_are_published_when_the_organisation_chooses_to(client):
    author = fx.user("rev_alice", first_name="Alice", last_name="Reviewer")
    verdict = fx.published_verdict(author=author, approver=fx.user("ed_bob"))

    data = client.get(f"{LIST}{verdict.pk}/").json()

    assert data["author"] == {"name": "Alice Reviewer"}
    assert data["approver"] == {"name": "ed_bob"}


def test_corrected_verdict_says_so_and_links_to_the_current_one(client):
    old = fx.published_verdict()
    new = fx.correct(old, note="We misread the table.")

    data = client.get(f"{LIST}{old.pk}/").json()

    assert data["state"] == "corrected" and data["is_current"] is False
    assert data["current_verdict"] == f"http://testserver{LIST}{new.pk}/"
    assert [(c["id"], c["state"]) for c in data["corrections"]] == [
        (old.pk, "corrected"),
        (new.pk, "published"),
    ]
    current = client.get(f"{LIST}{new.pk}/").json()
    assert current["correction_note"] == "We misread the table." and current["is_current"] is True


def test_filters_narrow_the_list(client):
    a = fx.published_verdict(text="Crime doubled in the city.", rating="false", language="fr")
    b = fx.published_verdict(
        text="Exports grew by ten percent.", rating="true", article_url="https://x.example/a"
    )

    assert ids(client.get(LIST, {"rating": "false"})) == [a.pk]
    assert ids(client.get(LIST, {"claimant": b.claim.claimant_id})) == [b.pk]
    assert ids(client.get(LIST, {"article_url": "https://x.example/a"})) == [b.pk]
    assert ids(client.get(LIST, {"language": "fr"})) == [a.pk]
    assert ids(client.get(LIST, {"q": "exports"})) == [b.pk]
    assert ids(client.get(LIST, {"published_after": b.published_at.isoformat()})) == [b.pk]
    assert ids(client.get(LIST, {"published_before": b.published_at.isoformat()})) == [a.pk]


def test_a_malformed_filter_is_refused_with_the_field_named(client):
    response = client.get(LIST, {"published_after": "yesterday-ish"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid" and "published_after" in body["errors"]


def test_cursor_pages_walk_every_verdict_once_in_a_stable_order_despite_new_publications(client):
    same_time = fx.BASE_TIME + timedelta(days=30)
    made = [fx.published_verdict(published_at=same_time if i % 2 else None) for i in range(7)]

    seen, url = [], f"{LIST}?page_size=3"
    while url:
        page = client.get(url).json()
        seen += [row["id"] for row in page["results"]]
        if len(seen) == 3:
            fx.published_verdict(published_at=fx.BASE_TIME + timedelta(days=60))  # lands before page 1
        url = page["next"]

    assert sorted(seen) == sorted(v.pk for v in made)
    expected = sorted(made, key=lambda v: (v.published_at, v.pk), reverse=True)
    assert seen == [v.pk for v in expected]


# The row is changed behind the ORM's signals, which the public cache cannot see (docs/api.md); this
# checks the view's own ETag and Last-Modified.
@override_settings(API_PUBLIC_CACHE_SECONDS=0)
def test_conditional_get_answers_304_until_the_verdict_changes(client):
    verdict = fx.published_verdict()
    url = f"{LIST}{verdict.pk}/"
    first = client.get(url)
    etag, last_modified = first["ETag"], first["Last-Modified"]

    assert client.get(url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    assert client.get(LIST, HTTP_IF_NONE_MATCH=client.get(LIST)["ETag"]).status_code == 304

    Verdict.objects.filter(pk=verdict.pk).update(
        summary="Updated summary.", updated_at=verdict.updated_at + timedelta(seconds=5)
    )
    changed = client.get(url, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed.json()["summary"] == "Updated summary."
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


@pytest.mark.parametrize("page_size", [2, 12])
def test_list_costs_the_same_number_of_queries_whatever_the_page_size(
    client, django_assert_num_queries, page_size
):
    for _ in range(12):
        fx.published_verdict()
    # PostgreSQL: one query (evidence, history and the scale's bounds come as JSON with each row).
    # SQLite: the page, its evidence, the correction histories, the scale's bounds.
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 4):
        response = client.get(LIST, {"page_size": page_size})
    assert len(response.json()["results"]) == page_size


# Answers from the public cache are not counted (docs/api.md); this checks the view's own throttling.
@override_settings(
    API_THROTTLE_RATES={"anon": "3/min", "user": "100/min", "export": "1/hour"}, API_PUBLIC_CACHE_SECONDS=0
)
def test_anonymous_clients_are_throttled_with_retry_after(client):
    for _ in range(3):
        assert client.get(LIST).status_code == 200

    refused = client.get(LIST)

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert refused.json()["code"] == "throttled" and refused.json()["retry_after"] > 0


def test_unknown_verdict_answers_404_in_the_error_shape(client):
    response = client.get(f"{LIST}999999/")
    assert response.status_code == 404
    assert response.json() == {"code": "not_found", "message": "Not found."}


@override_settings(API_THROTTLE_RATES={"anon": "1000/min", "user": "2/min", "export": "1/hour"})
def test_anonymous_readers_are_held_to_the_anonymous_rate_only(client):
    for _ in range(5):
        assert client.get(LIST).status_code == 200


def _prepared_statements() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        return cursor.fetchone()[0]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
@override_settings(API_PUBLIC_CACHE_SECONDS=0)
def test_the_page_query_is_planned_once_per_connection_and_never_when_switched_off(client):
    for _ in range(3):
        fx.published_verdict()
    with override_settings(API_PREPARED_QUERIES=False):  # the pooler switch (PgBouncer < 1.21)
        before = _prepared_statements()
        assert len(client.get(LIST).json()["results"]) == 3
        assert _prepared_statements() == before
    assert len(client.get(LIST).json()["results"]) == 3
    prepared = _prepared_statements()
    assert prepared == before + 1
    fx.published_verdict()
    assert len(client.get(LIST).json()["results"]) == 4  # same statement, new rows
    assert _prepared_statements() == prepared
