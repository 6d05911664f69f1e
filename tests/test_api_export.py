"""CSV and JSON Lines exports of all public verdicts, streamed, with the list's filters."""

import csv
import io
import json

import pytest
from django.core.cache import cache

from tests import api_fixtures as fx

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()
    yield
    cache.clear()


def body(response) -> str:
    assert response.streaming
    return b"".join(response.streaming_content).decode()


def test_csv_export_streams_every_public_verdict_with_a_header(client):
    published = [fx.published_verdict() for _ in range(3)]
    fx.published_verdict(state="proposed")

    response = client.get("/api/v1/verdicts/export.csv")

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    assert 'filename="verdicts.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(body(response))))
    assert sorted(int(r["id"]) for r in rows) == sorted(v.pk for v in published)
    row = next(r for r in rows if int(r["id"]) == published[0].pk)
    assert row["rating"] == "False" and row["rating_best"] == "5.0" and row["rating_worst"] == "1.0"
    assert row["claim_text"] == published[0].claim.text
    assert row["evidence_urls"] == published[0].claim.evidence.get(dismissed=False).source.url


def test_csv_cells_that_a_spreadsheet_would_run_as_formulas_are_defused(client):
    fx.published_verdict(text='=HYPERLINK("http://evil.example","click")')

    rows = list(csv.DictReader(io.StringIO(body(client.get("/api/v1/verdicts/export.csv")))))

    assert rows[0]["claim_text"] == '\'=HYPERLINK("http://evil.example","click")'


def test_jsonl_export_has_one_verdict_document_per_line_like_the_detail_endpoint(client):
    verdict = fx.published_verdict()
    other = fx.published_verdict(rating="true")

    response = client.get("/api/v1/verdicts/export.jsonl", {"rating": "false"})

    assert response["Content-Type"].startswith("application/jsonl")
    lines = body(response).splitlines()
    assert [json.loads(line)["id"] for line in lines] == [verdict.pk]
    assert json.loads(lines[0]) == client.get(f"/api/v1/verdicts/{verdict.pk}/").json()
    assert other.pk not in [json.loads(line)["id"] for line in lines]


def test_export_refuses_a_malformed_filter_with_a_json_error(client):
    response = client.get("/api/v1/verdicts/export.csv", {"published_before": "soon"}, HTTP_ACCEPT="text/csv")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid"


def test_export_reads_in_chunks_so_its_queries_do_not_grow_per_row(client, django_assert_max_num_queries):
    for _ in range(6):
        fx.published_verdict()
    with django_assert_max_num_queries(4):
        text = body(client.get("/api/v1/verdicts/export.jsonl"))
    assert len(text.splitlines()) == 6
