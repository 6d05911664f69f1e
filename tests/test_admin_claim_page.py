"""The claim page's workflow buttons (accept, dismiss, assign, withdraw a proposal) and the research page's
buttons after a proposal: only what the workflow allows is offered, and a refusal is a message."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from claims import services
from claims.admin.claim_actions import PAGE_ACTIONS
from claims.models import Claim, ClaimEvent, Verdict
from tests.factories import (
    EditorFactory,
    EvidenceFactory,
    RatingFactory,
    ReviewerFactory,
    claim_in_status,
)

pytestmark = pytest.mark.django_db


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def _act(claim, name):
    return reverse("admin:claims_claim_act", args=[claim.pk, name])


def _offered(page: str) -> set[str]:
    return {name for name in PAGE_ACTIONS if f'id="fc-action-{name}"' in page}


@pytest.fixture
def editor():
    return EditorFactory()


@pytest.fixture
def reviewer():
    return ReviewerFactory()


@pytest.mark.parametrize(
    ("status", "who", "offered"),
    [
        ("candidate", "editor", {"accept", "dismiss"}),
        ("open", "editor", {"dismiss", "assign"}),
        ("researching", "editor", {"assign"}),
        ("in_review", "editor", {"withdraw_proposal"}),
        ("published", "editor", set()),
        ("researching", "reviewer", set()),
        ("in_review", "reviewer", {"withdraw_proposal"}),
        ("published", "reviewer", set()),
    ],
)
def test_the_claim_page_offers_only_the_buttons_the_status_and_role_allow(
    client, editor, reviewer, status, who, offered
):
    claim = claim_in_status(status, editor=editor, reviewer=reviewer)
    client.force_login({"editor": editor, "reviewer": reviewer}[who])
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert _offered(page) == offered


def test_a_reviewer_sees_no_withdraw_button_for_a_proposal_an_editor_wrote(client, editor, reviewer):
    claim = claim_in_status("researching", editor=editor, reviewer=reviewer)
    services.verdict_propose(claim=claim, actor=editor, rating=RatingFactory(slug="false"), summary="Mine.")
    client.force_login(reviewer)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert _offered(page) == set()


def test_the_buttons_sit_outside_the_claim_form_so_the_browser_submits_them(client, editor):
    claim = claim_in_status("candidate", editor=editor)
    client.force_login(editor)
    page = client.get(reverse("admin:claims_claim_change", args=[claim.pk])).content.decode()
    assert page.index('id="fc-action-accept"') < page.index('id="claim_form"')


def test_an_editor_accepts_a_candidate_from_the_claim_page(client, editor):
    claim = claim_in_status("candidate", editor=editor)
    client.force_login(editor)
    response = client.post(_act(claim, "accept"), {"accept-version": claim.version}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:claims_claim_change", args=[claim.pk])
    assert "Accepted: the claim is open for research." in _messages(response)
    assert Claim.objects.get(pk=claim.pk).status == "open"
    assert not any("no claimant" in m for m in _messages(response))


def test_accepting_a_claim_without_a_claimant_warns_and_still_accepts(client, editor):
    claim = claim_in_status("candidate", editor=editor, claimant=None)
    client.force_login(editor)
    response = client.post(_act(claim, "accept"), {"accept-version": claim.version}, follow=True)
    assert f"This claim has no claimant: set one before it can be published (#{claim.pk})." in _messages(
        response
    )
    assert Claim.objects.get(pk=claim.pk).status == "open"


def test_dismissing_without_a_reason_is_refused_with_a_message_and_changes_nothing(client, editor):
    claim = claim_in_status("open", editor=editor)
    client.force_login(editor)
    response = client.post(
        _act(claim, "dismiss"), {"dismiss-version": claim.version, "dismiss-reason": " "}, follow=True
    )
    assert "A reason is required to dismiss a claim." in _messages(response)
    assert Claim.objects.get(pk=claim.pk).status == "open"
    dismissed = client.post(
        _act(claim, "dismiss"),
        {"dismiss-version": claim.version, "dismiss-reason": "An opinion."},
        follow=True,
    )
    assert "Dismissed." in _messages(dismissed)
    assert Claim.objects.get(pk=claim.pk).dismiss_reason == "An opinion."


def test_an_editor_assigns_a_reviewer_with_a_due_date_from_the_claim_page(client, editor, reviewer):
    claim = claim_in_status("open", editor=editor)
    due = timezone.localdate() + datetime.timedelta(days=4)
    client.force_login(editor)
    response = client.post(
        _act(claim, "assign"),
        {"assign-version": claim.version, "assign-assignee": reviewer.pk, "assign-due_date": due.isoformat()},
        follow=True,
    )
    assert f"Assigned to {reviewer.username}." in _messages(response)
    stored = Claim.objects.get(pk=claim.pk)
    assert (stored.status, stored.assignee, stored.due_date) == ("researching", reviewer, due)


def test_a_button_on_a_page_loaded_before_someone_else_acted_reports_the_change(client, editor):
    claim = claim_in_status("candidate", editor=editor)
    services.claim_triage(claim=claim, actor=EditorFactory(), accept=True)
    client.force_login(editor)
    response = client.post(
        _act(claim, "dismiss"), {"dismiss-version": claim.version, "dismiss-reason": "Opinion."}, follow=True
    )
    assert any(m.startswith("Someone else changed this claim") for m in _messages(response))
    assert Claim.objects.get(pk=claim.pk).status == "open"


def test_a_reviewer_posting_an_editors_action_is_refused_with_a_message(client, editor, reviewer):
    claim = claim_in_status("researching", editor=editor, reviewer=reviewer)
    client.force_login(reviewer)
    response = client.post(
        _act(claim, "assign"),
        {"assign-version": claim.version, "assign-assignee": reviewer.pk},
        follow=True,
    )
    assert any(m.startswith("Not allowed:") for m in _messages(response))
    assert Claim.objects.get(pk=claim.pk).version == claim.version


def test_an_unknown_action_is_not_found(client, editor):
    claim = claim_in_status("candidate", editor=editor)
    client.force_login(editor)
    assert client.post(_act(claim, "approve"), {"approve-version": claim.version}).status_code == 404


def test_after_proposing_the_research_page_offers_withdraw_not_save_or_propose(client, editor, reviewer):
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer)
    client.force_login(reviewer)
    page = client.get(reverse("admin:claims_claim_research", args=[claim.pk])).content.decode()
    assert 'name="save_draft"' not in page and 'name="propose"' not in page
    assert "Withdraw my proposal" in page
    # Evidence still changes while the claim is in review (workflow.EVIDENCE_EDITABLE_STATUSES).
    assert 'id="fc-add-evidence"' in page


def test_withdrawing_from_the_research_page_brings_the_draft_back_into_the_form(client, editor, reviewer):
    claim = claim_in_status("in_review", editor=editor, reviewer=reviewer)
    client.force_login(reviewer)
    response = client.post(
        _act(claim, "withdraw_proposal"),
        {"withdraw_proposal-version": claim.version, "return_to": "research"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("admin:claims_claim_research", args=[claim.pk])
    assert "Proposal withdrawn: the verdict is a draft again." in _messages(response)
    page = response.content.decode()
    assert 'name="propose"' in page and "The rate fell to 4.2 per cent, not 3.9." in page
    assert Verdict.objects.get(claim=claim).state == "draft"
    assert ClaimEvent.objects.filter(claim=claim).last().action_label == "Proposal withdrawn"


def test_on_a_published_claim_the_research_page_offers_no_evidence_or_verdict_forms(client, editor, reviewer):
    claim = claim_in_status("published", editor=editor, reviewer=reviewer)
    evidence = EvidenceFactory(claim=claim)
    client.force_login(reviewer)
    page = client.get(reverse("admin:claims_claim_research", args=[claim.pk])).content.decode()
    assert f'id="fc-evidence-{evidence.pk}"' in page
    for form in ('id="fc-add-evidence"', 'id="fc-verdict-form"', 'name="update_evidence"', "fc-action-"):
        assert form not in page
