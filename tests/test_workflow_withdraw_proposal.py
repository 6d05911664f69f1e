"""A proposal taken back before approval: the claim returns to research and the verdict to a draft."""

import pytest

from claims import services
from claims.errors import NotPermitted, StaleVersion, TransitionNotAllowed
from claims.models import Claim, ClaimEvent, Verdict
from tests.factories import EditorFactory
from tests.workflow_cases import Desk

pytestmark = pytest.mark.django_db

S = Claim.Status


def test_the_author_withdraws_the_proposal_and_gets_the_same_verdict_back_as_a_draft():
    desk = Desk()
    claim = desk.claim(S.IN_REVIEW)
    proposed = claim.verdicts.get(state=Verdict.State.PROPOSED)

    claim = services.verdict_withdraw_proposal(
        claim=claim,
        actor=desk.reviewer,
        reason="The March figure was revised.",
        expected_version=claim.version,
    )

    draft = Verdict.objects.get(pk=proposed.pk)
    assert claim.status == S.RESEARCHING
    assert claim.assignee == desk.reviewer
    assert (draft.state, draft.author, draft.rating_id) == ("draft", desk.reviewer, proposed.rating_id)
    assert (draft.summary, draft.explanation) == (proposed.summary, proposed.explanation)


def test_withdrawing_records_who_did_it_and_why_in_the_audit_trail_and_the_history():
    desk = Desk()
    claim = desk.claim(S.IN_REVIEW)
    proposed = claim.verdicts.get()
    services.verdict_withdraw_proposal(claim=claim, actor=desk.reviewer, reason="Wrong table.")

    event = ClaimEvent.objects.filter(claim=claim).last()
    assert (event.action, event.from_status, event.to_status) == (
        "withdraw_proposal",
        "in_review",
        "researching",
    )
    assert (event.actor, event.comment, event.data["verdict_id"]) == (
        desk.reviewer,
        "Wrong table.",
        proposed.pk,
    )
    assert event.action_label == "Proposal withdrawn"
    assert Verdict.history.filter(id=proposed.pk).first().history_change_reason == (
        "withdraw_proposal: Wrong table."
    )


def test_the_author_can_edit_the_returned_draft_and_propose_it_again():
    desk = Desk()
    claim = desk.claim(S.IN_REVIEW)
    claim = services.verdict_withdraw_proposal(claim=claim, actor=desk.reviewer)
    services.verdict_save_draft(claim=claim, actor=desk.reviewer, rating=desk.rating, summary="Better.")
    again = services.verdict_propose(claim=claim, actor=desk.reviewer)
    assert (again.state, again.summary) == ("proposed", "Better.")
    assert claim.verdicts.count() == 1


def test_an_editor_may_withdraw_a_reviewers_proposal():
    desk = Desk()
    claim = desk.claim(S.IN_REVIEW)
    claim = services.verdict_withdraw_proposal(claim=claim, actor=EditorFactory())
    assert claim.status == S.RESEARCHING
    assert claim.verdicts.get().author == desk.reviewer


def test_the_assigned_reviewer_may_not_withdraw_a_proposal_an_editor_wrote():
    desk = Desk()
    claim = desk.claim(S.RESEARCHING)
    services.verdict_propose(claim=claim, actor=desk.editor, rating=desk.rating, summary="The editor's.")
    stored = Claim.objects.get(pk=claim.pk)

    with pytest.raises(NotPermitted) as refused:
        services.verdict_withdraw_proposal(claim=stored, actor=desk.reviewer)

    assert "someone else wrote" in refused.value.message
    after = Claim.objects.get(pk=claim.pk)
    assert (after.status, after.version) == (S.IN_REVIEW, stored.version)
    assert claim.verdicts.get().state == "proposed"


def test_a_reviewer_not_assigned_to_the_claim_may_not_withdraw_its_proposal():
    desk = Desk()
    claim = desk.claim(S.IN_REVIEW)
    with pytest.raises(NotPermitted):
        services.verdict_withdraw_proposal(claim=claim, actor=desk.other_reviewer)
    assert Claim.objects.get(pk=claim.pk).status == S.IN_REVIEW


def test_a_withdrawal_from_a_stale_page_is_refused_and_changes_nothing():
    desk = Desk()
    claim = desk.claim(S.IN_REVIEW)
    stale = claim.version - 1
    with pytest.raises(StaleVersion):
        services.verdict_withdraw_proposal(claim=claim, actor=desk.reviewer, expected_version=stale)
    assert Claim.objects.get(pk=claim.pk).version == claim.version
    assert claim.verdicts.get().state == "proposed"


def test_an_approved_verdict_cannot_be_withdrawn_as_a_proposal():
    desk = Desk()
    claim = desk.claim(S.PUBLISHED)
    with pytest.raises(TransitionNotAllowed) as refused:
        services.verdict_withdraw_proposal(claim=claim, actor=desk.reviewer)
    assert refused.value.details["current_status"] == S.PUBLISHED
    assert claim.verdicts.get().state == "published"
