"""Status guards, repeated requests, and what each transition requires."""

import datetime

import pytest
from django.utils import timezone

from claims import services, workflow
from claims.errors import InvalidInput, TransitionNotAllowed
from claims.models import Claim, ClaimEvent, Verdict
from tests.factories import RatingFactory, ReviewerFactory, SuperuserFactory
from tests.workflow_cases import Desk, perform

pytestmark = pytest.mark.django_db

S = Claim.Status
WRONG_STARTS = [
    (t.name, status)
    for t in workflow.TRANSITIONS.values()
    for status in S.values
    if status not in t.sources and status != t.target
]


@pytest.mark.parametrize(("name", "status"), WRONG_STARTS)
def test_transition_from_a_status_it_does_not_start_from_is_refused_naming_both_statuses(name, status):
    desk = Desk()
    claim = desk.claim(status)
    with pytest.raises(TransitionNotAllowed) as refused:
        perform(name, claim, SuperuserFactory(), desk)
    assert refused.value.details["current_status"] == status
    assert refused.value.details["wanted_status"] == workflow.TRANSITIONS[name].target
    after = Claim.objects.get(pk=claim.pk)
    assert (after.status, after.version) == (status, claim.version)


@pytest.mark.parametrize("name", sorted(workflow.TRANSITIONS))
def test_repeating_a_transition_changes_nothing_and_is_not_an_error(name):
    desk = Desk()
    claim = desk.claim(workflow.TRANSITIONS[name].sources[0])
    first = perform(name, claim, desk.editor, desk)
    stored = Claim.objects.get(pk=claim.pk)
    events = ClaimEvent.objects.count()
    history = (Claim.history.count(), Verdict.history.count())

    again = perform(name, stored, desk.editor, desk)

    assert again.pk == first.pk
    assert Claim.objects.get(pk=claim.pk).version == stored.version
    assert ClaimEvent.objects.count() == events
    assert (Claim.history.count(), Verdict.history.count()) == history


def test_a_repeated_request_with_the_version_it_was_sent_with_is_still_a_no_op():
    desk = Desk()
    claim = desk.claim(S.CANDIDATE)
    services.claim_triage(claim=claim, actor=desk.editor, accept=True, expected_version=claim.version)
    again = services.claim_triage(claim=claim, actor=desk.editor, accept=True, expected_version=claim.version)
    assert again.status == S.OPEN


def test_dismissing_needs_a_reason_and_keeps_it_on_the_claim():
    desk = Desk()
    claim = desk.claim(S.CANDIDATE)
    with pytest.raises(InvalidInput) as refused:
        services.claim_triage(claim=claim, actor=desk.editor, accept=False, reason="  ")
    assert refused.value.details["field"] == "reason"
    dismissed = services.claim_triage(claim=claim, actor=desk.editor, accept=False, reason="Opinion.")
    assert (dismissed.status, dismissed.dismiss_reason) == (S.DISMISSED, "Opinion.")


def test_accepting_a_dismissed_claim_is_refused_reopen_is_the_way_back():
    desk = Desk()
    claim = desk.claim(S.DISMISSED)
    with pytest.raises(TransitionNotAllowed):
        services.claim_triage(claim=claim, actor=desk.editor, accept=True)
    reopened = services.claim_reopen(claim=claim, actor=desk.editor, comment="It is checkable after all.")
    assert (reopened.status, reopened.dismiss_reason) == (S.OPEN, "")


def test_assigning_sets_assignee_and_due_date_and_reassigning_moves_the_claim():
    desk = Desk()
    claim = desk.claim(S.OPEN)
    due = timezone.localdate() + datetime.timedelta(days=3)
    claim = services.claim_assign(claim=claim, actor=desk.editor, assignee=desk.reviewer, due_date=due)
    assert (claim.status, claim.assignee, claim.due_date) == (S.RESEARCHING, desk.reviewer, due)
    claim = services.claim_assign(claim=claim, actor=desk.editor, assignee=desk.other_reviewer, due_date=due)
    assert claim.assignee == desk.other_reviewer
    assert ClaimEvent.objects.filter(claim=claim, action="assign").last().data["previous_assignee_id"] == (
        desk.reviewer.pk
    )


@pytest.mark.parametrize("who", ["user_without_role", "inactive_reviewer", "nobody"])
def test_assigning_to_someone_without_a_role_is_refused(who):
    from tests.factories import UserFactory

    assignee = {
        "user_without_role": UserFactory,
        "inactive_reviewer": lambda: ReviewerFactory(is_active=False),
        "nobody": lambda: None,
    }[who]()
    desk = Desk()
    with pytest.raises(InvalidInput) as refused:
        services.claim_assign(claim=desk.claim(S.OPEN), actor=desk.editor, assignee=assignee)
    assert refused.value.details["field"] == "assignee"


@pytest.mark.parametrize("due_date", ["2020-01-01", "next week"])
def test_a_past_or_malformed_due_date_is_refused(due_date):
    desk = Desk()
    with pytest.raises(InvalidInput) as refused:
        services.claim_assign(
            claim=desk.claim(S.OPEN), actor=desk.editor, assignee=desk.reviewer, due_date=due_date
        )
    assert refused.value.details["field"] == "due_date"


def test_reviewer_draft_is_saved_replaced_and_then_proposed_as_the_same_verdict():
    desk = Desk()
    claim = desk.claim(S.RESEARCHING)
    draft = services.verdict_save_draft(claim=claim, actor=desk.reviewer, summary="First try.")
    draft = services.verdict_save_draft(
        claim=claim, actor=desk.reviewer, rating=desk.rating, summary="Second try.", explanation="Because."
    )
    proposed = services.verdict_propose(claim=claim, actor=desk.reviewer)
    assert proposed.pk == draft.pk
    assert (proposed.state, proposed.summary, proposed.explanation) == ("proposed", "Second try.", "Because.")
    assert Claim.objects.get(pk=claim.pk).status == S.IN_REVIEW


@pytest.mark.parametrize(
    ("kwargs", "missing"),
    [({"summary": "No rating."}, ["rating"]), ({"rating": "set"}, ["summary"]), ({}, ["rating", "summary"])],
)
def test_proposing_needs_a_rating_and_a_summary(kwargs, missing):
    desk = Desk()
    claim = desk.claim(S.RESEARCHING)
    if kwargs.get("rating") == "set":
        kwargs["rating"] = desk.rating
    with pytest.raises(InvalidInput) as refused:
        services.verdict_propose(claim=claim, actor=desk.reviewer, **kwargs)
    assert refused.value.details["fields"] == missing
    assert Claim.objects.get(pk=claim.pk).status == S.RESEARCHING
    assert not Verdict.objects.filter(claim=claim).exists()


def test_a_summary_longer_than_one_line_or_280_characters_is_refused():
    desk = Desk()
    claim = desk.claim(S.RESEARCHING)
    for summary in ("x" * 281, "two\nlines"):
        with pytest.raises(InvalidInput):
            services.verdict_save_draft(claim=claim, actor=desk.reviewer, rating=desk.rating, summary=summary)


def test_an_inactive_rating_cannot_be_used():
    desk = Desk()
    retired = RatingFactory(slug="pants-on-fire", is_active=False)
    with pytest.raises(InvalidInput) as refused:
        services.verdict_propose(
            claim=desk.claim(S.RESEARCHING), actor=desk.reviewer, rating=retired, summary="Nope."
        )
    assert refused.value.details["field"] == "rating"


def test_sending_back_needs_a_comment_and_returns_the_verdict_to_its_author_as_a_draft():
    desk = Desk()
    claim = desk.claim(S.IN_REVIEW)
    with pytest.raises(InvalidInput):
        services.claim_send_back(claim=claim, actor=desk.editor, comment="")
    claim = services.claim_send_back(claim=claim, actor=desk.editor, comment="Cite the March release.")
    verdict = claim.verdicts.get()
    assert (claim.status, verdict.state, verdict.author) == (S.RESEARCHING, "draft", desk.reviewer)
    # The author can improve the same draft and propose it again.
    services.verdict_propose(claim=claim, actor=desk.reviewer, explanation="See the March release.")
    assert claim.verdicts.get().state == "proposed"


def test_approving_publishes_the_proposed_verdict_with_approver_and_date():
    desk = Desk()
    claim = desk.claim(S.IN_REVIEW)
    verdict = services.verdict_approve(claim=claim, actor=desk.editor)
    assert (verdict.state, verdict.approver, verdict.author) == ("published", desk.editor, desk.reviewer)
    assert verdict.published_at is not None
    assert Claim.objects.get(pk=claim.pk).status == S.PUBLISHED


def test_withdrawing_hides_the_verdict_and_reopens_the_claim():
    desk = Desk()
    claim = desk.claim(S.PUBLISHED)
    with pytest.raises(InvalidInput):
        services.verdict_withdraw(claim=claim, actor=desk.editor, reason="")
    verdict = services.verdict_withdraw(claim=claim, actor=desk.editor, reason="Misattributed quote.")
    assert verdict.state == "withdrawn"
    assert Claim.objects.get(pk=claim.pk).status == S.OPEN
    assert not Verdict.objects.filter(claim=claim, state="published").exists()


@pytest.mark.parametrize("status", [S.PUBLISHED, S.NEEDS_UPDATE])
def test_correcting_publishes_a_new_verdict_that_supersedes_the_old_one(status):
    desk = Desk()
    claim = desk.claim(status)
    old = claim.verdicts.get(state="published")
    new = perform("correct", claim, desk.editor, desk)
    old.refresh_from_db()
    assert (old.state, new.state, new.supersedes) == ("corrected", "published", old)
    assert new.correction_note.startswith("We misread the table")
    assert (new.author, new.approver) == (desk.editor, desk.editor)
    assert Claim.objects.get(pk=claim.pk).status == S.PUBLISHED


def test_a_correction_needs_a_public_note():
    desk = Desk()
    claim = desk.claim(S.PUBLISHED)
    with pytest.raises(InvalidInput) as refused:
        services.verdict_correct(
            claim=claim,
            actor=desk.editor,
            rating=desk.rating,
            summary="S.",
            explanation="",
            correction_note="",
        )
    assert refused.value.details["field"] == "correction_note"


def test_a_reopened_published_claim_stays_public_until_a_new_verdict_replaces_it_with_a_note():
    desk = Desk()
    claim = desk.claim(S.PUBLISHED)
    first = claim.verdicts.get()
    claim = services.claim_reopen(claim=claim, actor=desk.editor, comment="New figures released.")
    assert Verdict.objects.get(pk=first.pk).state == "published"
    claim = services.claim_assign(claim=claim, actor=desk.editor, assignee=desk.reviewer)
    services.verdict_propose(claim=claim, actor=desk.reviewer, rating=desk.rating, summary="Revised.")
    with pytest.raises(InvalidInput) as refused:
        services.verdict_approve(claim=claim, actor=desk.editor)
    assert refused.value.details["field"] == "correction_note"
    second = services.verdict_approve(claim=claim, actor=desk.editor, correction_note="Revised figures.")
    assert (second.supersedes, Verdict.objects.get(pk=first.pk).state) == (first, "corrected")


def test_reopening_a_duplicate_detaches_it_from_the_kept_claim():
    desk = Desk()
    claim = desk.claim(S.DUPLICATE)
    kept_id = claim.duplicate_of_id
    reopened = services.claim_reopen(claim=claim, actor=desk.editor)
    assert (reopened.status, reopened.duplicate_of) == (S.OPEN, None)
    assert ClaimEvent.objects.filter(claim=claim, action="reopen").get().data == {"was_duplicate_of": kept_id}


def test_the_system_flags_a_published_claim_and_the_reason_is_recorded():
    desk = Desk()
    claim = desk.claim(S.PUBLISHED)
    flagged = services.claim_flag_needs_update(
        claim=claim, reason="Cited source returned 404.", data={"source_id": 7}
    )
    event = ClaimEvent.objects.filter(claim=claim).last()
    assert flagged.status == S.NEEDS_UPDATE
    assert (event.actor, event.comment, event.data) == (None, "Cited source returned 404.", {"source_id": 7})


def test_approving_is_refused_when_claimreview_would_miss_a_required_field():
    desk = Desk()
    claim = desk.claim(S.IN_REVIEW)
    Claim.objects.filter(pk=claim.pk).update(claimant=None)
    with pytest.raises(InvalidInput) as refused:
        services.verdict_approve(claim=claim, actor=desk.editor)
    assert refused.value.details["problems"] == ["claimant"]
    assert refused.value.message == (
        "This verdict cannot be published yet. Set who made this claim (the claimant) before publishing."
    )
    assert Claim.objects.get(pk=claim.pk).status == S.IN_REVIEW
    assert claim.verdicts.get().state == "proposed"


def test_a_correction_is_refused_when_claimreview_would_miss_a_required_field():
    desk = Desk()
    claim = desk.claim(S.PUBLISHED)
    Claim.objects.filter(pk=claim.pk).update(claimant=None)
    with pytest.raises(InvalidInput) as refused:
        perform("correct", claim, desk.editor, desk)
    assert refused.value.details["problems"]
    assert list(claim.verdicts.values_list("state", flat=True)) == ["published"]
