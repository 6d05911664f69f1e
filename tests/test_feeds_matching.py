from datetime import timedelta

import pytest
from django.utils import timezone

from claims.errors import NotPermitted, TransitionNotAllowed
from claims.feeds.leads import lead_accept, lead_dismiss
from claims.feeds.tasks import poll_due_feeds, poll_feed
from claims.models import Claim, ClaimEvent, Evidence
from claims.models_feeds import ClaimLead, ExternalReview, Feed, FeedItem
from tests.feeds_support import base_url, editor, fixture, make_claim, make_feed, publish, reviewer, run

pytestmark = pytest.mark.django_db

WIND = "Offshore wind supplied 40 percent of Britain's electricity in October, the grid operator said."


def serve_wire(web):
    web.expect_request("/wire.rss").respond_with_data(
        fixture("wire.rss", base_url(web)), content_type="application/rss+xml"
    )
    for page in ("/news/offshore-wind-share", "/news/rates-hold"):
        web.expect_request(page).respond_with_data(b"<p>story</p>", content_type="text/html")


def serve_checks(web):
    web.expect_request("/checks/").respond_with_data(
        fixture("factchecker-page.html"), content_type="text/html"
    )
    return make_feed(web, "/checks/", kind=Feed.Kind.CLAIMREVIEW_PAGE)


def test_a_follow_up_report_surfaces_on_the_matching_open_claim_and_nowhere_else(web):
    serve_wire(web)
    wind = make_claim(WIND)
    unrelated = make_claim("Unemployment has doubled since 2010 according to the opposition.")
    untriaged = make_claim(WIND, status=Claim.Status.CANDIDATE)
    closed = make_claim(WIND, status=Claim.Status.DISMISSED)

    run(poll_feed, make_feed(web, "/wire.rss").pk)

    (lead,) = ClaimLead.objects.all()
    assert lead.claim == wind and lead.kind == ClaimLead.Kind.FOLLOW_UP
    assert lead.headline == (
        "follow-up report: Offshore wind now supplies 40 percent of Britain's electricity, grid operator says"
    )
    assert not unrelated.leads.exists() and not untriaged.leads.exists() and not closed.leads.exists()
    wind.refresh_from_db()
    assert wind.status == Claim.Status.OPEN  # only published claims are flagged


def test_an_external_review_surfaces_as_checked_elsewhere_on_the_matching_claim(web):
    feed = serve_checks(web)
    wind = make_claim("Offshore wind supplied 40 percent of Britain's electricity in October.")
    meals = make_claim("All primary school pupils in the county now get free school meals.")
    make_claim("The new bridge will cost twice the original budget.")

    run(poll_feed, feed.pk)

    assert [lead.headline for lead in wind.leads.all()] == [
        "checked elsewhere: Example Checkers rated it False"
    ]
    assert [lead.headline for lead in meals.leads.all()] == [
        "checked elsewhere: Example Checkers rated it True"
    ]
    assert ClaimLead.objects.count() == 2


def test_a_published_claim_contradicted_elsewhere_is_flagged_needs_update_with_the_reason(web):
    feed = serve_checks(web)
    wind = make_claim("Offshore wind supplied 40 percent of Britain's electricity in October.")
    publish(wind, "true")

    run(poll_feed, feed.pk)

    wind.refresh_from_db()
    assert wind.status == Claim.Status.NEEDS_UPDATE
    event = ClaimEvent.objects.filter(claim=wind).last()
    assert "checked elsewhere: Example Checkers rated it False" in event.comment
    assert wind.leads.get().contradicts


def test_a_published_claim_rated_alike_elsewhere_is_not_flagged(web):
    feed = serve_checks(web)
    wind = make_claim("Offshore wind supplied 40 percent of Britain's electricity in October.")
    publish(wind, "false")

    run(poll_feed, feed.pk)

    wind.refresh_from_db()
    assert wind.status == Claim.Status.PUBLISHED
    assert wind.leads.count() == 1 and not wind.leads.get().contradicts


def test_a_follow_up_report_flags_a_published_claim(web):
    serve_wire(web)
    wind = make_claim(WIND)
    publish(wind, "mostly-true")

    run(poll_feed, make_feed(web, "/wire.rss").pk)

    wind.refresh_from_db()
    assert wind.status == Claim.Status.NEEDS_UPDATE
    assert ClaimEvent.objects.filter(claim=wind).last().comment.startswith("follow-up report: Offshore wind")


def test_accepting_a_lead_adds_the_review_as_evidence_with_the_chosen_stance(web):
    feed = serve_checks(web)
    wind = make_claim("Offshore wind supplied 40 percent of Britain's electricity in October.")
    run(poll_feed, feed.pk)
    lead = wind.leads.get()

    lead_accept(lead_id=lead.pk, actor=editor(), stance="refutes")

    evidence = Evidence.objects.get(claim=wind)
    assert evidence.source.url == "https://checkers.example.org/checks/offshore-wind-40-percent"
    assert evidence.stance == "refutes" and "rated it False" in evidence.excerpt
    lead.refresh_from_db()
    assert lead.state == ClaimLead.State.ACCEPTED and lead.evidence == evidence
    with pytest.raises(TransitionNotAllowed):
        lead_accept(lead_id=lead.pk, actor=editor(), stance="supports")


def test_a_dismissed_lead_is_not_proposed_again_when_the_review_is_seen_again(web):
    feed = serve_checks(web)
    wind = make_claim("Offshore wind supplied 40 percent of Britain's electricity in October.")
    run(poll_feed, feed.pk)
    lead_dismiss(lead_id=wind.leads.get().pk, actor=editor())
    ExternalReview.objects.update(textual_rating="Wrong")  # so that the next poll updates and re-matches
    feed.refresh_from_db()
    feed.etag = feed.last_modified = ""
    feed.save()

    run(poll_feed, feed.pk)

    assert list(wind.leads.values_list("state", flat=True)) == [ClaimLead.State.DISMISSED]


def test_only_editors_and_the_claims_assignee_decide_on_its_leads(web):
    feed = serve_checks(web)
    wind = make_claim("Offshore wind supplied 40 percent of Britain's electricity in October.")
    run(poll_feed, feed.pk)
    lead = wind.leads.get()

    with pytest.raises(NotPermitted):
        lead_dismiss(lead_id=lead.pk, actor=reviewer())
    assert wind.leads.get().state == ClaimLead.State.NEW

    assignee = reviewer()
    Claim.objects.filter(pk=wind.pk).update(assignee=assignee, status=Claim.Status.RESEARCHING)
    lead_dismiss(lead_id=lead.pk, actor=assignee)
    assert wind.leads.get().state == ClaimLead.State.DISMISSED


def test_the_beat_matches_items_and_reviews_whose_matching_task_was_lost():
    wind = make_claim(WIND)
    feed = Feed.objects.create(
        name="wire", url="https://wire.example/rss", next_poll_at=timezone.now() + timedelta(hours=1)
    )
    item = FeedItem.objects.create(
        feed=feed, guid="g1", title="Offshore wind supplied 40 percent of Britain's electricity"
    )
    review = ExternalReview.objects.create(
        url="https://c.example/wind", claim_reviewed=WIND, publisher_name="C", textual_rating="False"
    )
    long_ago = timezone.now() - timedelta(minutes=10)
    FeedItem.objects.filter(pk=item.pk).update(created_at=long_ago)
    ExternalReview.objects.filter(pk=review.pk).update(updated_at=long_ago)

    run(poll_due_feeds)

    assert sorted(wind.leads.values_list("kind", flat=True)) == ["checked_elsewhere", "follow_up"]
    item.refresh_from_db()
    review.refresh_from_db()
    assert item.matched_at and review.matched_at
