"""Claim matching against the database: a per-process ranker index kept in step with the claims table.

The index (``claims.matching.get_ranker()``) holds the matchable claims (published, then in progress:
open, researching, in review, needs update) as text + restatement. Before every query it is brought up to
date with two indexed queries:

1. every claim whose ``updated_at`` is at or after the watermark minus ``MATCHING_REFRESH_OVERLAP``
   seconds is added (if matchable) or removed (if not): every service write, admin save and bulk create
   sets ``updated_at``, and the overlap covers transactions that commit after a later one was read;
2. the number of indexed keys is compared with the number of matchable claims: after step 1 the index
   holds every matchable claim, so a larger count can only mean deleted rows, and the index is rebuilt.

Hits are re-read from the database with the matchable-status filter, so a stale key is never returned.
"""

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction

from claims.matching import get_ranker
from claims.models import Claim, ClaimMatch

logger = logging.getLogger(__name__)

S = Claim.Status
PUBLISHED_STATUSES = (S.PUBLISHED,)
IN_PROGRESS_STATUSES = (S.OPEN, S.RESEARCHING, S.IN_REVIEW, S.NEEDS_UPDATE)
MATCHABLE_STATUSES = PUBLISHED_STATUSES + IN_PROGRESS_STATUSES


def _ranker_text(text: str, restatement: str):
    # The restatement is a second wording of the same claim: the ranker's title field scores it on its own.
    return {"text": text, "title": restatement} if restatement else text


@dataclass
class ClaimIndex:
    """A ranker over the matchable claims, refreshed from the database before each query."""

    ranker: object = None
    keys: set = field(default_factory=set)
    watermark: datetime | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    def rebuild(self) -> None:
        ranker = get_ranker()
        rows = list(
            Claim.objects.filter(status__in=MATCHABLE_STATUSES)
            .order_by("pk")  # ties go to the claim indexed first: the older claim
            .values_list("pk", "text", "restatement", "updated_at")
        )
        ranker.index([(pk, _ranker_text(text, rest)) for pk, text, rest, _ in rows])
        self.ranker, self.keys = ranker, {row[0] for row in rows}
        self.watermark = max((row[3] for row in rows), default=None)

    def refresh(self) -> None:
        if self.ranker is None:
            self.rebuild()
            return
        if self.watermark is not None:
            since = self.watermark - timedelta(seconds=settings.MATCHING_REFRESH_OVERLAP)
            changed = Claim.objects.filter(updated_at__gte=since).order_by("pk")
            for pk, text, rest, status, updated in changed.values_list(
                "pk", "text", "restatement", "status", "updated_at"
            ):
                if status in MATCHABLE_STATUSES:
                    self.ranker.add(pk, _ranker_text(text, rest))
                    self.keys.add(pk)
                elif pk in self.keys:
                    self.ranker.remove(pk)
                    self.keys.discard(pk)
                self.watermark = max(self.watermark, updated)
        elif Claim.objects.filter(status__in=MATCHABLE_STATUSES).exists():
            self.rebuild()
            return
        if len(self.keys) != Claim.objects.filter(status__in=MATCHABLE_STATUSES).count():
            logger.info("matching index out of step (deleted claims): rebuilding")
            self.rebuild()

    def rank(self, text: str, k: int) -> list[tuple[int, float]]:
        with self.lock:
            self.refresh()
            return [(int(key), float(score)) for key, score in self.ranker.rank(text, k)]


_index = ClaimIndex()


def claim_index() -> ClaimIndex:
    """The process's claim index (built on first use)."""
    return _index


def thresholds() -> tuple[float, float]:
    """(suggest, confirm) thresholds of the configured ranker; settings override them when non-zero."""
    ranker = get_ranker()
    suggest = settings.MATCHING_SUGGEST_THRESHOLD or ranker.suggest_threshold
    confirm = settings.MATCHING_CONFIRM_THRESHOLD or ranker.confirm_threshold
    return float(suggest), float(confirm)


def ranked_claims(
    text: str, *, limit: int, threshold: float, exclude=(), statuses=MATCHABLE_STATUSES
) -> list[tuple[Claim, float]]:
    """Return (claim, score) above ``threshold``: published claims first, then the rest, best first."""
    if not text.strip():
        return []
    # Ask for more than needed: excluded and no-longer-matchable keys are dropped below.
    hits = claim_index().rank(text, k=limit * 3 + len(exclude))
    scores = {pk: score for pk, score in hits if score >= threshold and pk not in exclude}
    claims = Claim.objects.filter(status__in=statuses).in_bulk(list(scores))
    ranked = sorted(claims.values(), key=lambda c: (c.status not in PUBLISHED_STATUSES, -scores[c.pk], c.pk))
    return [(claim, scores[claim.pk]) for claim in ranked[:limit]]


def match_claim(*, claim_id: int) -> list[int]:
    """Store the suggested matches of one claim; return the ids of new ClaimMatch rows.

    Pairs already stored (in any state: a rejected pair stays rejected) are left alone; a claim that is
    dismissed or a duplicate is not matched. A missing claim (deleted since it was queued) matches nothing.
    """
    claim = Claim.objects.filter(pk=claim_id).first()
    if claim is None or claim.status in (S.DISMISSED, S.DUPLICATE):
        return []
    suggest, confirm = thresholds()
    text = f"{claim.text}\n{claim.restatement}".strip()
    hits = ranked_claims(text, limit=settings.MATCHING_MAX_SUGGESTIONS, threshold=suggest, exclude={claim.pk})
    known = set(ClaimMatch.objects.filter(claim=claim).values_list("candidate_id", flat=True))
    # The reverse pair, already decided from the other side, is not suggested again either.
    known |= set(ClaimMatch.objects.filter(candidate=claim).values_list("claim_id", flat=True))
    new = []
    ranker = settings.MATCHING_RANKER
    for candidate, score in hits:
        if candidate.pk in known or candidate.duplicate_of_id == claim.pk:
            continue
        try:
            with transaction.atomic():
                match, created = ClaimMatch.objects.get_or_create(
                    claim=claim,
                    candidate=candidate,
                    defaults={"score": score, "ranker": ranker, "propose_merge": score >= confirm},
                )
        except IntegrityError:  # the same pair matched concurrently: that row is the suggestion
            continue
        if created:
            new.append(match.pk)
    return new


def open_matches(claim: Claim):
    """The suggested (undecided) matches of ``claim``, with the candidate and its published rating."""
    from claims.models import Verdict

    matches = list(
        ClaimMatch.objects.filter(claim=claim, state=ClaimMatch.State.SUGGESTED).select_related("candidate")
    )
    ratings = dict(
        Verdict.objects.filter(
            claim_id__in=[m.candidate_id for m in matches], state=Verdict.State.PUBLISHED
        ).values_list("claim_id", "rating__label")
    )
    for match in matches:
        match.published_rating = ratings.get(match.candidate_id)
    return matches


def claimant_recurrences(claimant) -> list[dict]:
    """The claimant's claims that match a claim with a published verdict (not rejected), with the rating."""
    from claims.models import Verdict

    matches = (
        ClaimMatch.objects.filter(claim__claimant=claimant)
        .exclude(state=ClaimMatch.State.REJECTED)
        .filter(candidate__verdicts__state=Verdict.State.PUBLISHED)
        .select_related("claim", "candidate")
        .order_by("-claim__created_at", "-score")
    )
    ratings = dict(
        Verdict.objects.filter(
            claim_id__in=[m.candidate_id for m in matches], state=Verdict.State.PUBLISHED
        ).values_list("claim_id", "rating__label")
    )
    return [
        {"match": m, "claim": m.claim, "rated": m.candidate, "rating": ratings.get(m.candidate_id)}
        for m in matches
    ]
