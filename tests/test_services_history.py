"""History and audit: every change of a claim, verdict and evidence is recorded with its author and reason;
signals go out only once the change is committed."""

import pytest
from django.db import transaction

from claims import services, signals
from claims.api import public_cache
from claims.models import Claim, ClaimEvent, Verdict
from tests.factories import ClaimantFactory, EditorFactory, RatingFactory, ReviewerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def desk():
    return {"editor": EditorFactory(), "other_editor": EditorFactory(), "reviewer": ReviewerFactory()}


def full_lifecycle(desk):
    editor, other_editor, reviewer = desk["editor"], desk["other_editor"], desk["reviewer"]
    claim = services.claim_create(actor=editor, text="Exports doubled in 2024.", claimant=ClaimantFactory())
    claim = services.claim_triage(claim=claim, actor=editor, accept=True)
    claim = services.claim_assign(claim=claim, actor=editor, assignee=reviewer)
    services.verdict_save_draft(claim=claim, actor=reviewer, summary="Not quite.")
    services.verdict_propose(claim=claim, actor=reviewer, rating=RatingFactory(), summary="They rose 12%.")
    services.claim_send_back(claim=claim, actor=editor, comment="Link the customs data.")
    services.verdict_propose(claim=claim, actor=reviewer, explanation="Customs data: +12%.")
    services.verdict_approve(claim=claim, actor=editor)
    services.claim_flag_needs_update(claim=claim, reason="Customs revised the data.")
    services.verdict_correct(
        claim=claim,
        actor=other_editor,
        rating=RatingFactory(),  # the same rating: a wording-only correction is one editor's act
        summary="They rose 18%.",
        explanation="Revised customs data: +18%.",
        correction_note="Updated with revised customs figures.",
    )
    return Claim.objects.get(pk=claim.pk)


def test_every_claim_change_is_in_its_history_with_author_and_reason(desk):
    claim = full_lifecycle(desk)
    records = list(claim.history.order_by("history_id"))
    editor, other, reviewer = desk["editor"], desk["other_editor"], desk["reviewer"]
    assert [(r.status, r.version, r.history_user, r.history_change_reason) for r in records] == [
        ("candidate", 1, editor, "create"),
        ("open", 2, editor, "accept"),
        ("researching", 3, editor, "assign"),
        ("researching", 4, reviewer, "save_draft"),
        ("in_review", 5, reviewer, "propose"),
        ("researching", 6, editor, "send_back: Link the customs data."),
        ("in_review", 7, reviewer, "propose"),
        ("published", 8, editor, "approve"),
        ("needs_update", 9, None, "flag_needs_update: Customs revised the data."),
        ("published", 10, other, "correct: Updated with revised customs figures."),
    ]


def test_every_verdict_change_is_in_its_history_with_author_and_reason(desk):
    claim = full_lifecycle(desk)
    original = claim.verdicts.get(state="corrected")
    correction = claim.verdicts.get(state="published")
    editor, other, reviewer = desk["editor"], desk["other_editor"], desk["reviewer"]
    assert [
        (r.state, r.summary, r.history_user, r.history_change_reason)
        for r in original.history.order_by("history_id")
    ] == [
        ("draft", "Not quite.", reviewer, "save_draft"),
        ("proposed", "They rose 12%.", reviewer, "propose"),
        ("draft", "They rose 12%.", editor, "send_back: Link the customs data."),
        ("proposed", "They rose 12%.", reviewer, "propose"),
        ("published", "They rose 12%.", editor, "approve"),
        ("corrected", "They rose 12%.", other, "correct: superseded: Updated with revised customs figures."),
    ]
    assert [(r.state, r.history_user) for r in correction.history.all()] == [("published", other)]


def test_the_audit_trail_lists_each_operation_with_actor_and_statuses(desk):
    claim = full_lifecycle(desk)
    trail = [(e.action, e.from_status, e.to_status) for e in ClaimEvent.objects.filter(claim=claim)]
    assert trail == [
        ("create", "", "candidate"),
        ("accept", "candidate", "open"),
        ("assign", "open", "researching"),
        ("save_draft", "researching", "researching"),
        ("propose", "researching", "in_review"),
        ("send_back", "in_review", "researching"),
        ("propose", "researching", "in_review"),
        ("approve", "in_review", "published"),
        ("flag_needs_update", "published", "needs_update"),
        ("correct", "needs_update", "published"),
    ]
    send_back = ClaimEvent.objects.get(claim=claim, action="send_back")
    assert (send_back.actor, send_back.comment) == (desk["editor"], "Link the customs data.")


def test_evidence_changes_are_in_its_history_with_author_and_reason(desk):
    claim = full_lifecycle(desk)
    claim = services.claim_reopen(claim=claim, actor=desk["editor"])
    claim = services.claim_assign(claim=claim, actor=desk["editor"], assignee=desk["reviewer"])
    evidence = services.evidence_add(claim=claim, actor=desk["reviewer"], url="https://stats.example/exports")
    services.evidence_update(evidence=evidence, actor=desk["editor"], stance="refutes", note="Table 3.")
    assert [
        (r.stance, r.note, r.history_user, r.history_change_reason)
        for r in evidence.history.order_by("history_id")
    ] == [
        ("unknown", "", desk["reviewer"], "evidence_add"),
        ("refutes", "Table 3.", desk["editor"], "evidence_update: note, stance"),
    ]


def test_signals_go_out_only_after_commit_with_ids(desk, django_capture_on_commit_callbacks):
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs.get("verdict_id"), kwargs.get("claim_id")))

    signals.verdict_published.connect(receiver)
    signals.claim_assigned.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            claim = services.claim_create(actor=desk["editor"], text="X rose.", claimant=ClaimantFactory())
            claim = services.claim_triage(claim=claim, actor=desk["editor"], accept=True)
            claim = services.claim_assign(claim=claim, actor=desk["editor"], assignee=desk["reviewer"])
            services.verdict_propose(
                claim=claim, actor=desk["reviewer"], rating=RatingFactory(), summary="No."
            )
            verdict = services.verdict_approve(claim=claim, actor=desk["editor"])
            assert received == []
    finally:
        signals.verdict_published.disconnect(receiver)
        signals.claim_assigned.disconnect(receiver)
    # claims_created and its match_claim task, claim_assigned, verdict_published (beside the public
    # answer cache's version bumps, which are not signals).
    assert len([c for c in callbacks if c is not public_cache.bump]) == 4
    assert received == [(Claim, None, claim.pk), (Verdict, verdict.pk, None)]


def test_a_rolled_back_operation_sends_no_signal_and_records_nothing(
    desk, django_capture_on_commit_callbacks
):
    claim = services.claim_create(actor=desk["editor"], text="X rose.", status="open")
    with django_capture_on_commit_callbacks() as callbacks:
        try:
            with transaction.atomic():
                services.claim_assign(claim=claim, actor=desk["editor"], assignee=desk["reviewer"])
                raise RuntimeError("the caller failed after the service returned")
        except RuntimeError:
            pass
    assert callbacks == []
    assert Claim.objects.get(pk=claim.pk).status == "open"
    assert not ClaimEvent.objects.filter(claim=claim, action="assign").exists()


def test_a_failing_receiver_does_not_turn_a_committed_operation_into_an_error(
    desk, django_capture_on_commit_callbacks
):
    def broken(sender, **kwargs):
        raise ConnectionError("webhook endpoint down")

    signals.claim_assigned.connect(broken)
    try:
        claim = services.claim_create(actor=desk["editor"], text="X rose.", status="open")
        with django_capture_on_commit_callbacks(execute=True):
            services.claim_assign(claim=claim, actor=desk["editor"], assignee=desk["reviewer"])
    finally:
        signals.claim_assigned.disconnect(broken)
    assert Claim.objects.get(pk=claim.pk).status == "researching"
