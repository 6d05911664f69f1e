import json

import pytest
from django.urls import reverse
from werkzeug import Response

from claims.feeds.errors import ConnectorError
from claims.feeds.factchecktools import FactCheckTools
from claims.feeds.leads import claim_search_leads
from claims.models import Claim
from claims.models_feeds import ClaimLead, ExternalReview
from tests.feeds_support import editor, make_claim, publish, reviewer

pytestmark = pytest.mark.django_db

PAGE_1 = {
    "claims": [
        {
            "text": "Offshore wind supplied 40 percent of Britain's electricity in October",
            "claimant": "Jane Minister",
            "claimDate": "2026-11-27T00:00:00Z",
            "claimReview": [
                {
                    "publisher": {"name": "Example Checkers", "site": "checkers.example.org"},
                    "url": "https://checkers.example.org/checks/offshore-wind-40-percent",
                    "title": "No, offshore wind did not supply 40% of Britain's power",
                    "reviewDate": "2026-11-28T12:00:00Z",
                    "textualRating": "False",
                    "languageCode": "en",
                }
            ],
        }
    ],
    "nextPageToken": "CAo",
}
PAGE_2 = {
    "claims": [
        {
            "text": "Wind farms supplied 40% of UK power last month",
            "claimReview": [
                {
                    "publisher": {"name": "Other Checkers", "site": "other.example"},
                    "url": "https://other.example/wind",
                    "title": "Wind power share",
                    "textualRating": "Misleading",
                    "languageCode": "en",
                }
            ],
        }
    ]
}


def serve_pages(api):
    """Answer claims:search with page 1, or page 2 when asked for the next page token."""

    def answer(request):
        page = PAGE_2 if request.args.get("pageToken") == PAGE_1["nextPageToken"] else PAGE_1
        return Response(json.dumps(page), content_type="application/json")

    api.expect_request("/v1alpha1/claims:search").respond_with_handler(answer)


@pytest.fixture
def api(web, settings):
    settings.FACTCHECK_TOOLS_API_KEY = "test-key"
    settings.FACTCHECK_TOOLS_URL = web.url_for("/v1alpha1/claims:search")
    return web


def test_the_connector_is_off_without_an_api_key(settings):
    settings.FACTCHECK_TOOLS_API_KEY = None
    assert not FactCheckTools().enabled()
    with pytest.raises(ConnectorError, match="FACTCHECK_TOOLS_API_KEY"):
        FactCheckTools().search("anything")


def test_the_connector_reads_every_page_of_the_documented_response_shape(api):
    serve_pages(api)

    reviews = FactCheckTools().search("offshore wind 40 percent", language="en")

    first, second = [request for request, _ in api.log if request.path != "/robots.txt"]
    assert first.args["query"] == "offshore wind 40 percent" and first.args["key"] == "test-key"
    assert first.args["languageCode"] == "en" and "pageToken" not in first.args
    assert second.args["pageToken"] == "CAo"
    assert [(r.publisher_name, r.textual_rating, r.verdict) for r in reviews] == [
        ("Example Checkers", "False", "false"),
        ("Other Checkers", "Misleading", "mixed"),
    ]
    assert reviews[0].claimant == "Jane Minister" and str(reviews[0].claim_date) == "2026-11-27"
    assert reviews[0].publisher_url == "https://checkers.example.org/"


def test_searching_from_a_claim_records_leads_and_flags_a_contradicted_published_claim(api):
    serve_pages(api)
    claim = make_claim("Offshore wind supplied 40 percent of Britain's electricity in October.")
    publish(claim, "true")

    outcome = claim_search_leads(claim_id=claim.pk, actor=editor(), source_names=["factchecktools"])

    assert outcome.errors == {}
    assert sorted(lead.headline for lead in outcome.leads) == [
        "checked elsewhere: Example Checkers rated it False",
        "checked elsewhere: Other Checkers rated it Misleading",
    ]
    assert ExternalReview.objects.filter(origin="factchecktools").count() == 2
    claim.refresh_from_db()
    assert claim.status == Claim.Status.NEEDS_UPDATE


def test_a_failing_connector_is_reported_without_stopping_the_stored_search(api):
    api.expect_request("/v1alpha1/claims:search").respond_with_data("quota", status=429)
    claim = make_claim("Offshore wind supplied 40 percent of Britain's electricity in October.")

    outcome = claim_search_leads(claim_id=claim.pk, actor=editor())

    assert (
        "HTTP 429" in outcome.errors["factchecktools"] and "test-key" not in outcome.errors["factchecktools"]
    )
    assert outcome.leads == []


def test_a_reviewer_searches_from_the_admin_and_sees_the_claims_leads(api, client):
    api.expect_request("/v1alpha1/claims:search").respond_with_json({"claims": PAGE_1["claims"]})
    claim = make_claim("Offshore wind supplied 40 percent of Britain's electricity in October.")
    client.force_login(editor())
    url = reverse("admin:claims_claimlead_search", args=[claim.pk])

    page = client.get(url)
    assert page.status_code == 200 and b"factchecktools" in page.content and b"Offshore wind" in page.content
    response = client.post(url, {"source": ["factchecktools"]}, follow=True)

    assert response.redirect_chain[-1][0].endswith(f"?claim__id__exact={claim.pk}")
    assert b"checked elsewhere: Example Checkers rated it False" in response.content
    assert ClaimLead.objects.filter(claim=claim).count() == 1


def test_the_search_view_hides_claims_the_user_may_not_see(api, client):
    claim = make_claim("Offshore wind supplied 40 percent of Britain's electricity in October.")
    client.force_login(reviewer())

    response = client.post(reverse("admin:claims_claimlead_search", args=[claim.pk]))

    assert response.status_code == 404
    assert not [request for request, _ in api.log if request.path != "/robots.txt"]
