"""One valid call of each workflow transition, shared by the role-matrix and status-guard tests."""

from dataclasses import dataclass, field

from claims import services
from claims.models import Claim
from tests.factories import EditorFactory, RatingFactory, ReviewerFactory, claim_in_status


@dataclass
class Desk:
    """The people and objects a transition call needs; built once per test so that repeats are identical."""

    editor: object = field(default_factory=EditorFactory)
    reviewer: object = field(default_factory=ReviewerFactory)
    other_reviewer: object = field(default_factory=ReviewerFactory)
    rating: object = None
    keep: Claim | None = None

    def __post_init__(self):
        self.rating = RatingFactory(slug="mostly-false")

    def claim(self, status: str) -> Claim:
        """A claim in ``status`` (through the services) whose assignee is ``reviewer``."""
        claim = claim_in_status(status, editor=self.editor, reviewer=self.reviewer)
        if claim.assignee_id is None:
            # Test set-up only: being assigned must not give a reviewer editorial rights in any status.
            Claim.objects.filter(pk=claim.pk).update(assignee=self.reviewer)
            claim.refresh_from_db()
        return claim

    def keep_claim(self) -> Claim:
        if self.keep is None:
            self.keep = services.claim_create(actor=self.editor, text="The kept claim.", status="open")
        return self.keep


def perform(name: str, claim: Claim, actor, desk: Desk):
    """Call the service behind transition ``name`` with valid arguments."""
    calls = {
        "accept": lambda: services.claim_triage(claim=claim, actor=actor, accept=True),
        "dismiss": lambda: services.claim_triage(claim=claim, actor=actor, accept=False, reason="Opinion."),
        "assign": lambda: services.claim_assign(claim=claim, actor=actor, assignee=desk.other_reviewer),
        "save_draft": lambda: services.verdict_save_draft(
            claim=claim, actor=actor, rating=desk.rating, summary="Draft summary."
        ),
        "propose": lambda: services.verdict_propose(
            claim=claim, actor=actor, rating=desk.rating, summary="Proposed summary."
        ),
        "withdraw_proposal": lambda: services.verdict_withdraw_proposal(claim=claim, actor=actor),
        "send_back": lambda: services.claim_send_back(claim=claim, actor=actor, comment="Cite the release."),
        "approve": lambda: services.verdict_approve(claim=claim, actor=actor),
        "withdraw": lambda: services.verdict_withdraw(claim=claim, actor=actor, reason="Wrong claimant."),
        "correct": lambda: services.verdict_correct(
            claim=claim,
            actor=actor,
            # The published verdict's rating: a wording-only correction, one editor's act (a re-rating
            # waits for a second editor, tests/test_workflow_two_person.py).
            rating=RatingFactory(slug="false"),
            summary="Corrected summary.",
            explanation="The March figure was revised.",
            correction_note="We misread the table; the summary now gives the revised figure.",
        ),
        "reopen": lambda: services.claim_reopen(claim=claim, actor=actor),
        "merge": lambda: services.claim_merge(duplicate=claim, keep=desk.keep_claim(), actor=actor),
        "flag_needs_update": lambda: services.claim_flag_needs_update(
            claim=claim, actor=actor, reason="A cited source changed."
        ),
    }
    return calls[name]()
