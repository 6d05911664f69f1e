"""ClaimReview JSON-LD: the API endpoint and the public verdict page /checks/{id}/."""

import json
import re

import pytest
from django.core.cache import cache
from django.test import override_settings

from tests import api_fixtures as fx

pytestmark = pytest.mark.django_db
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


@pytest.fixture(autouse=True)
def _fresh_throttle_counters():
    cache.clear()


@override_settings(FACTCHECK_ORG_NAME="Desk", FACTCHECK_ORG_URL="https://desk.example/")
def test_claimreview_endpoint_fields(client):
    verdict = fx.published_verdict(text="Crime doubled.", rating="false")
    claim = verdict.claim

    response = client.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/")

    assert response.status_code == 200 and response["Content-Type"] == "application/ld+json"
    data = response.json()
    assert data["@type"] == "ClaimReview" and data["@context"] == "https://schema.org"
    assert data["claimReviewed"] == "Crime doubled."
    assert data["url"] == f"http://testserver/checks/{verdict.pk}/"
    assert data["author"] == {"@type": "Organization", "name": "Desk", "url": "https://desk.example/"}
    assert data["datePublished"] == verdict.published_at.date().isoformat()
    item = data["itemReviewed"]
    assert item["author"] == {"@type": "Person", "name": claim.claimant.name}
    assert item["datePublished"] == claim.article.published_at.date().isoformat() != data["datePublished"]
    assert item["appearance"][0]["url"] == claim.article.source.url
    assert data["reviewRating"] == {
        "@type": "Rating",
        "alternateName": "False",
        "ratingValue": 1,
        "bestRating": 5,
        "worstRating": 1,
    }


def test_public_page_has_exactly_one_claimreview_equal_to_the_endpoint(client):
    verdict = fx.published_verdict()

    page = client.get(f"/checks/{verdict.pk}/")

    assert page.status_code == 200
    blocks = LD_JSON.findall(page.content.decode())
    assert len(blocks) == 1
    assert json.loads(blocks[0]) == client.get(f"/api/v1/verdicts/{verdict.pk}/claimreview/").json()


def test_public_page_escapes_hostile_text_in_html_and_in_the_json_ld_block(client):
    hostile = '</script><script>alert("x")</script><b>bold</b> & more'
    verdict = fx.published_verdict(text=hostile)

    html = client.get(f"/checks/{verdict.pk}/").content.decode()

    assert "<script>alert" not in html and "<b>bold</b>" not in html
    assert html.count("</script>") == 1  # only the JSON-LD block's own end tag
    assert html.count("<script") == 1
    (block,) = LD_JSON.findall(html)
    assert json.loads(block)["claimReviewed"] == hostile  # the data round-trips unchanged


def test_public_page_of_a_draft_or_withdrawn_verdict_is_404(client):
    for state in ("draft", "proposed", "withdrawn"):
        assert client.get(f"/checks/{fx.published_verdict(state=state).pk}/").status_code == 404


def test_corrected_verdict_page_says_so_links_the_current_one_and_has_no_claimreview(client):
    old = fx.published_verdict()
    new = fx.correct(old)

    html = client.get(f"/checks/{old.pk}/").content.decode()

    assert "This verdict was corrected." in html
    assert f'href="http://testserver/checks/{new.pk}/"' in html
    assert LD_JSON.findall(html) == []


def test_public_page_hides_internal_notes_and_reviewer_names(client):
    author = fx.user("rev_carol", first_name="Carol")
    verdict = fx.published_verdict(author=author, evidence_note="NOTE-NOT-PUBLIC")

    html = client.get(f"/checks/{verdict.pk}/").content.decode()

    assert "NOTE-NOT-PUBLIC" not in html and "Carol" not in html and "rev_carol" not in html


def test_claimreview_answers_304_to_a_matching_conditional_get(client):
    verdict = fx.published_verdict()
    url = f"/api/v1/verdicts/{verdict.pk}/claimreview/"
    first = client.get(url)

    assert client.get(url, HTTP_IF_NONE_MATCH=first["ETag"]).status_code == 304
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=first["Last-Modified"]).status_code == 304


def test_public_page_prints_dates_a_reader_reads_and_links_the_checked_article(client):
    from datetime import UTC, datetime

    verdict = fx.published_verdict(published_at=datetime(2026, 3, 5, 14, 30, tzinfo=UTC))

    page = client.get(f"/checks/{verdict.pk}/").content.decode()

    assert "5 March 2026, 14:30 UTC" in page
    assert "2026-03-05T14:30" not in page.split("<body>")[1].replace('datetime="2026-03-05T14:30', "")
    assert f'href="{verdict.claim.article.source.url}"' in page
