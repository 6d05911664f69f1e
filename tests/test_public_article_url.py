"""An article uploaded without a URL is named publicly by the URL its page declares, never by its urn.

The upload goes through ingestion (extraction, analysis) as an editor's would; its claim is then given a
published verdict, and every public output of it is read: the API detail, the CSV and JSON Lines exports,
the ClaimReview endpoint and the public page.
"""

import csv
import io
import json
import re

import pytest
from django.core.cache import cache
from django.test import override_settings
from lxml import html as lxml_html

from claims.ingestion import Submission, submit_article
from claims.models import Article, Claim, Verdict
from sources import page_identity
from tests import api_fixtures as fx

pytestmark = pytest.mark.django_db
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)
BODY = (
    "<body><article><h1>Jobs report</h1>"
    "<p>Unemployment fell to 3.5% in May, the ministry said on Tuesday.</p>"
    "<p>The number of jobless people dropped by 120,000 compared with April, according to the office.</p>"
    "<p>Wages rose by 4.2% over the year, the fastest pace since 2008.</p>"
    "</article></body>"
)


def page(head: str) -> bytes:
    return f"<html lang='en'><head><title>Jobs report</title>{head}</head>{BODY}</html>".encode()


DECLARING = page(
    '<link rel="canonical" href="https://daily.example/economy/jobs-report">'
    '<meta property="og:url" content="https://daily.example/amp/jobs-report">'
    '<meta property="og:site_name" content="The Daily Example">'
)


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


def publish_upload(html: bytes) -> Verdict:
    """Upload ``html`` without a URL, analyse it, and publish a verdict on its first claim."""
    article = submit_article(submission=Submission(html=html), run_now=True)
    assert article.analysis_state == Article.AnalysisState.DONE
    assert article.source.url.startswith("urn:sha256:")
    claim = article.claims.order_by("span_start").first()
    Claim.objects.filter(pk=claim.pk).update(status=Claim.Status.PUBLISHED)
    return Verdict.objects.create(
        claim=claim,
        rating=fx.rating_scale()["false"],
        summary="It fell to 3.9%.",
        author=fx.user(),
        approver=fx.user(),
        state=Verdict.State.PUBLISHED,
        published_at=fx.BASE_TIME,
    )


def streamed(response) -> str:
    return b"".join(response.streaming_content).decode()


def public_outputs(client, verdict: Verdict) -> dict:
    pk = verdict.pk
    return {
        "detail": client.get(f"/api/v1/verdicts/{pk}/").content.decode(),
        "list": client.get("/api/v1/verdicts/").content.decode(),
        "csv": streamed(client.get("/api/v1/verdicts/export.csv")),
        "jsonl": streamed(client.get("/api/v1/verdicts/export.jsonl")),
        "claimreview": client.get(f"/api/v1/verdicts/{pk}/claimreview/").content.decode(),
        "page": client.get(f"/checks/{pk}/").content.decode(),
    }


def csv_article_url(text: str, pk: int) -> str:
    return next(r for r in csv.DictReader(io.StringIO(text)) if int(r["id"]) == pk)["article_url"]


@override_settings(FACTCHECK_ORG_NAME="Desk", FACTCHECK_ORG_URL="https://desk.example/")
def test_an_upload_is_published_under_its_canonical_url_and_site_name(client):
    verdict = publish_upload(DECLARING)
    outputs = public_outputs(client, verdict)

    assert [name for name, body in outputs.items() if "urn:" in body] == []
    article = json.loads(outputs["detail"])["article"]
    assert article["url"] == "https://daily.example/economy/jobs-report"
    assert article["publisher"] == "The Daily Example"
    assert csv_article_url(outputs["csv"], verdict.pk) == "https://daily.example/economy/jobs-report"
    appearance = json.loads(outputs["claimreview"])["itemReviewed"]["appearance"]
    assert appearance == [
        {
            "@type": "CreativeWork",
            "url": "https://daily.example/economy/jobs-report",
            "headline": "Jobs report",
            "publisher": {"@type": "Organization", "name": "The Daily Example"},
        }
    ]
    assert 'href="https://daily.example/economy/jobs-report"' in outputs["page"]
    assert json.loads(LD_JSON.findall(outputs["page"])[0]) == json.loads(outputs["claimreview"])


@override_settings(FACTCHECK_ORG_NAME="Desk", FACTCHECK_ORG_URL="https://desk.example/")
def test_an_upload_declaring_no_url_is_published_without_one(client):
    verdict = publish_upload(page(""))
    outputs = public_outputs(client, verdict)

    assert [name for name, body in outputs.items() if "urn:" in body] == []
    assert json.loads(outputs["detail"])["article"]["url"] == ""
    assert csv_article_url(outputs["csv"], verdict.pk) == ""
    (appearance,) = json.loads(outputs["claimreview"])["itemReviewed"]["appearance"]
    assert appearance == {"@type": "CreativeWork", "headline": "Jobs report"}
    assert "Checked in Jobs report" in outputs["page"]


@override_settings(FACTCHECK_ORG_NAME="Desk", FACTCHECK_ORG_URL="https://desk.example/")
def test_a_canonical_that_is_not_an_http_url_is_never_published(client):
    verdict = publish_upload(
        page('<link rel="canonical" href="javascript:alert(1)"><meta property="og:url" content="urn:x:1">')
    )
    outputs = public_outputs(client, verdict)

    assert [name for name, body in outputs.items() if "javascript:" in body or "urn:" in body] == []
    assert json.loads(outputs["detail"])["article"]["url"] == ""


def test_an_article_fetched_from_its_url_keeps_that_url_publicly(client):
    verdict = fx.published_verdict(article_url="https://news.example.com/original")
    Article.objects.filter(pk=verdict.claim.article_id).update(canonical_url="https://news.example.com/amp")

    detail = client.get(f"/api/v1/verdicts/{verdict.pk}/").json()

    assert detail["article"]["url"] == "https://news.example.com/original"


def test_the_article_url_filter_finds_an_upload_by_its_public_url_never_by_its_urn(client):
    verdict = publish_upload(DECLARING)
    urn = verdict.claim.article.source.url

    def found(url):
        return [v["id"] for v in client.get("/api/v1/verdicts/", {"article_url": url}).json()["results"]]

    assert found("https://daily.example/economy/jobs-report") == [verdict.pk]
    assert found(urn) == []


def identity(head: str, base: str | None = None) -> tuple[str, str]:
    tree = lxml_html.fromstring(page(head))
    return page_identity.canonical_url(tree, base), page_identity.site_name(tree)


def test_the_canonical_link_wins_over_og_url_and_og_site_name_over_json_ld():
    json_ld = '<script type="application/ld+json">{"publisher": {"name": "JSON Publisher"}}</script>'
    assert identity(DECLARING.decode().split("<head>")[1].split("</head>")[0] + json_ld) == (
        "https://daily.example/economy/jobs-report",
        "The Daily Example",
    )


def test_og_url_and_the_json_ld_publisher_are_the_fallbacks():
    head = (
        '<meta property="og:url" content="https://daily.example/jobs">'
        '<script type="application/ld+json">{"@graph": [{"@type": "WebSite"}, '
        '{"@type": "NewsArticle", "publisher": [{"@type": "Organization", "name": " Daily\\n News "}]}]}'
        "</script>"
    )
    assert identity(head) == ("https://daily.example/jobs", "Daily News")


def test_a_relative_canonical_is_resolved_only_against_an_http_page_url():
    head = '<link rel="canonical" href="/economy/jobs?utm_source=x">'
    assert identity(head, "https://daily.example/a/b") == ("https://daily.example/economy/jobs", "")
    assert identity(head, "urn:sha256:abc") == ("", "")


@pytest.mark.parametrize(
    "href",
    ["javascript:alert(1)", "urn:sha256:abc", "ftp://daily.example/x", "https://user:pw@daily.example/", ""],
)
def test_a_declared_url_that_is_not_a_plain_absolute_http_url_is_dropped(href):
    assert identity(f'<link rel="canonical" href="{href}">') == ("", "")


def test_broken_json_ld_leaves_the_publisher_empty():
    assert identity('<script type="application/ld+json">{"publisher": </script>') == ("", "")
