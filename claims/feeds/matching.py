"""Match external reviews and feed items against our open and published claims; record leads.

A lead is recorded once per (claim, review) or (claim, item); a dismissed lead is never re-proposed. A
published claim that gets a contradicting external review or a follow-up report is flagged needs-update
with the reason (``claim_flag_needs_update``), once, when the lead is first recorded.
"""

import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from claims import services
from claims.errors import TransitionNotAllowed
from claims.feeds import interim
from claims.feeds.ratings import contradicts, our_verdict
from claims.models import Claim
from claims.models_feeds import ClaimLead, ExternalReview, FeedItem

logger = logging.getLogger(__name__)

# Claims worth telling an editor about: triaged and not closed. Candidates are untriaged machine
# proposals (too many, mostly noise); dismissed and duplicate claims are closed.
MATCHED_STATUSES = (
    Claim.Status.OPEN,
    Claim.Status.RESEARCHING,
    Claim.Status.IN_REVIEW,
    Claim.Status.PUBLISHED,
    Claim.Status.NEEDS_UPDATE,
)


def candidate_claims():
    return Claim.objects.filter(status__in=MATCHED_STATUSES)


def _threshold(ranker) -> float:
    return settings.FEEDS_MATCH_THRESHOLD or float(getattr(ranker, "suggest_threshold", 0.35))


def matching_claims(text: str) -> list[tuple[Claim, float]]:
    """Return (claim, score) for the open and published claims matching ``text`` above the threshold."""
    if not text.strip():
        return []
    ranker = interim.get_ranker()
    # The ranker may index claims in every status; ask for more and keep the matched statuses.
    hits = ranker.rank(text, settings.FEEDS_MATCH_LIMIT * 3)
    threshold = _threshold(ranker)
    scores = {int(key): float(score) for key, score in hits if float(score) >= threshold}
    claims = candidate_claims().in_bulk(list(scores))
    ranked = sorted(((claims[pk], scores[pk]) for pk in claims), key=lambda pair: -pair[1])
    return ranked[: settings.FEEDS_MATCH_LIMIT]


def _record(*, claim: Claim, score: float, **target) -> tuple[ClaimLead, bool]:
    try:
        with transaction.atomic():
            return ClaimLead.objects.get_or_create(claim=claim, **target, defaults={"score": score})
    except IntegrityError:
        # A concurrent match of the same pair won; its row is the lead.
        return ClaimLead.objects.get(claim=claim, **target), False


def _flag(*, claim: Claim, reason: str, data: dict) -> None:
    try:
        services.claim_flag_needs_update(claim=claim, reason=reason, data=data)
    except TransitionNotAllowed:
        # The claim left "published" since it was read (corrected, already flagged): nothing to flag.
        logger.info("claim %s not flagged (no longer published): %s", claim.pk, reason)


def lead_for_review(
    *, claim: Claim, review: ExternalReview, score: float, may_flag: bool = True
) -> tuple[ClaimLead, bool]:
    """Record "checked elsewhere" on ``claim``; flag it if published and the ratings contradict."""
    lead, created = _record(
        claim=claim, score=score, kind=ClaimLead.Kind.CHECKED_ELSEWHERE, external_review=review
    )
    if not created or not may_flag or claim.status != Claim.Status.PUBLISHED:
        return lead, created
    ours = our_verdict(claim)
    if contradicts(ours, review.verdict):
        ClaimLead.objects.filter(pk=lead.pk).update(contradicts=True)
        lead.contradicts = True
        _flag(
            claim=claim,
            reason=f"{lead.headline}, contradicting our published rating ({ours})",
            data={"lead": lead.pk, "external_review": review.pk, "url": review.url},
        )
    return lead, created


def lead_for_item(*, claim: Claim, item: FeedItem, score: float) -> tuple[ClaimLead, bool]:
    """Record "follow-up report" on ``claim``; flag it if published."""
    lead, created = _record(claim=claim, score=score, kind=ClaimLead.Kind.FOLLOW_UP, feed_item=item)
    if created and claim.status == Claim.Status.PUBLISHED:
        _flag(
            claim=claim, reason=lead.headline, data={"lead": lead.pk, "feed_item": item.pk, "url": item.url}
        )
    return lead, created


def match_external_review(*, review_id: int) -> list[int]:
    """Match one external review against our claims; return the ids of new leads."""
    review = ExternalReview.objects.get(pk=review_id)
    text = review.claim_reviewed or review.title
    new = []
    for claim, score in matching_claims(text):
        lead, created = lead_for_review(claim=claim, review=review, score=score)
        if created:
            new.append(lead.pk)
    ExternalReview.objects.filter(pk=review_id, updated_at=review.updated_at).update(
        matched_at=timezone.now()
    )
    return new


def match_feed_item(*, item_id: int) -> list[int]:
    """Match one feed item (title and summary) against our claims; return the ids of new leads."""
    item = FeedItem.objects.get(pk=item_id)
    new = []
    for claim, score in matching_claims(f"{item.title}\n{item.summary}"):
        lead, created = lead_for_item(claim=claim, item=item, score=score)
        if created:
            new.append(lead.pk)
    FeedItem.objects.filter(pk=item_id).update(matched_at=timezone.now())
    return new
