import pytest
from django.urls import reverse

from claims.models import Claim, Evidence
from claims.models_feeds import ClaimLead, ExternalReview, Feed
from tests.feeds_support import editor, make_claim, reviewer

pytestmark = pytest.mark.django_db


def hostile_lead():
    claim = make_claim("Offshore wind supplied 40 percent of Britain's electricity in October.")
    review = ExternalReview.objects.create(
        url="https://evil.example/check",
        publisher_name="<script>alert('x')</script>",
        textual_rating="<img src=x onerror=alert(1)>",
        claim_reviewed=claim.text,
    )
    return ClaimLead.objects.create(
        claim=claim, kind=ClaimLead.Kind.CHECKED_ELSEWHERE, external_review=review, score=0.9
    )


def test_fetched_text_in_the_lead_list_is_escaped(client):
    hostile_lead()
    client.force_login(editor())

    page = client.get(reverse("admin:claims_claimlead_changelist"))

    assert page.status_code == 200
    assert b"<script>alert" not in page.content and b"<img src=x" not in page.content
    assert b"&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page.content


def test_the_claims_assignee_accepts_a_lead_as_evidence_with_a_stance_from_the_admin(client):
    lead = hostile_lead()
    assignee = reviewer()
    Claim.objects.filter(pk=lead.claim_id).update(assignee=assignee, status=Claim.Status.RESEARCHING)
    client.force_login(assignee)

    client.post(
        reverse("admin:claims_claimlead_changelist"),
        {"action": "accept_refutes", "_selected_action": [lead.pk]},
    )

    lead.refresh_from_db()
    assert lead.state == ClaimLead.State.ACCEPTED
    assert Evidence.objects.get(claim=lead.claim).stance == "refutes"


def test_a_reviewer_sees_only_the_leads_of_claims_assigned_to_them(client):
    hostile_lead()
    client.force_login(reviewer())

    page = client.get(reverse("admin:claims_claimlead_changelist"))

    assert page.status_code == 200 and b"evil.example" not in page.content


def test_a_feed_address_typed_without_a_scheme_is_taken_as_https(client):
    client.force_login(editor())

    page = client.post(
        reverse("admin:claims_feed_add"),
        {"name": "Wire", "url": "wire.example/feed.xml", "kind": "rss", "poll_interval_minutes": 60},
    )

    assert page.status_code == 302, page.content.decode()[:2000]
    assert Feed.objects.get(name="Wire").url == "https://wire.example/feed.xml"
