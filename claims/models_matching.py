"""Claim matching in the database: suggested matches between a new claim and a stored one, and appearances.

A ``ClaimMatch`` says "claim X is possibly the same claim as #N" (written by ``claims.similar`` when a
claim is created); an editor merges, links the appearance, or rejects it through ``claims.services``. A
rejected pair stays in the table so it is never suggested again. A ``ClaimAppearance`` records that a
checked claim was repeated (by another outlet or claimant): the checked claim keeps its verdict and the
repetition is listed on it and on the claimant's page.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from sources.models import TimestampedModel


class ClaimMatch(TimestampedModel):
    """A stored claim that the ranker found possibly the same as a newer claim."""

    class State(models.TextChoices):
        SUGGESTED = "suggested", "Suggested"
        MERGED = "merged", "Confirmed: merged"
        LINKED = "linked", "Confirmed: linked as a new appearance"
        REJECTED = "rejected", "Rejected"

    claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="matches")
    candidate = models.ForeignKey(
        "claims.Claim",
        on_delete=models.CASCADE,
        related_name="matched_by",
        help_text="The claim already in the system (published or in progress).",
    )
    score = models.FloatField()
    ranker = models.CharField(max_length=16)
    propose_merge = models.BooleanField(
        default=False, help_text="Scored above the ranker's confirm threshold: proposed for a merge."
    )
    state = models.CharField(max_length=10, choices=State.choices, default=State.SUGGESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-propose_merge", "-score", "id"]
        constraints = [
            # A pair is suggested once; a rejected pair stays rejected (re-matching is a no-op).
            models.UniqueConstraint(fields=["claim", "candidate"], name="claimmatch_unique_pair"),
            models.CheckConstraint(condition=~Q(claim=F("candidate")), name="claimmatch_not_itself"),
        ]
        indexes = [
            # The claim page's panel: WHERE claim = X AND state = 'suggested'
            models.Index(fields=["claim", "state"], name="claimmatch_claim_state_idx"),
            # Claimant recurrence: WHERE candidate IN (rated claims) AND state <> 'rejected'
            models.Index(fields=["candidate", "state"], name="claimmatch_candidate_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.claim_id} ~ #{self.candidate_id} ({self.score:.2f}, {self.state})"


class ClaimAppearance(TimestampedModel):
    """A checked claim said again: by whom, in which article, when (linked from a confirmed match)."""

    checked_claim = models.ForeignKey("claims.Claim", on_delete=models.CASCADE, related_name="appearances")
    claim = models.ForeignKey(
        "claims.Claim",
        on_delete=models.CASCADE,
        related_name="appearance_of",
        help_text="The new claim (now a duplicate of the checked claim).",
    )
    article = models.ForeignKey(
        "claims.Article", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    claimant = models.ForeignKey(
        "claims.Claimant",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appearances",
    )
    appeared_at = models.DateTimeField(help_text="The article's publication date, else when it was found.")
    match = models.ForeignKey(ClaimMatch, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-appeared_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["checked_claim", "claim"], name="claimappearance_unique"),
        ]
        indexes = [
            # Claimant page: WHERE claimant = X ORDER BY appeared_at DESC
            models.Index(fields=["claimant", "-appeared_at"], name="claimappearance_claimant_idx"),
        ]

    def __str__(self) -> str:
        return f"#{self.claim_id} repeats #{self.checked_claim_id}"
