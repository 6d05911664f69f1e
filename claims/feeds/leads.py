"""Services for a reviewer's decisions on leads and for searching lead sources from a claim."""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from claims import services
from claims.errors import InvalidInput, NotPermitted, TransitionNotAllowed
from claims.feeds.errors import ConnectorError
from claims.feeds.factchecktools import LEAD_SOURCES, enabled_lead_sources
from claims.feeds.lexical import LexicalRanker, claim_text
from claims.feeds.matching import lead_for_review
from claims.feeds.reviews import external_review_upsert
from claims.models import Claim, Evidence
from claims.models_feeds import ClaimLead
from claims.permissions import can_view_claim

STANCES = {
    Evidence.Stance.SUPPORTS,
    Evidence.Stance.REFUTES,
    Evidence.Stance.CONTEXT,
    Evidence.Stance.UNKNOWN,
}


def _check(actor, claim: Claim) -> None:
    # The people who work the claim decide on its leads: editors and the claim's assignee.
    if not can_view_claim(actor, claim):
        raise NotPermitted("Only editors and the claim's assignee may work its leads.")


def _lock_new(lead_id: int) -> ClaimLead:
    lead = (
        ClaimLead.objects.select_for_update(of=("self",))
        .select_related("claim", "external_review", "feed_item")
        .get(pk=lead_id)
    )
    if lead.state != ClaimLead.State.NEW:
        raise TransitionNotAllowed(f"lead is {lead.state}, not new", current=lead.state, wanted="decided")
    return lead


def _excerpt(lead: ClaimLead) -> str:
    if lead.external_review_id:
        review = lead.external_review
        return f"{lead.headline}: “{review.claim_reviewed}”"[:2000]
    return f"{lead.feed_item.title}\n{lead.feed_item.summary}".strip()[:2000]


def lead_accept(*, lead_id: int, actor, stance: str) -> ClaimLead:
    """Accept a new lead as evidence on its claim with ``stance``; raise if decided or not permitted.

    ``evidence_add`` applies its own rules too (e.g. no evidence changes on a published claim).
    """
    if stance not in STANCES:
        raise InvalidInput(f"stance must be one of {sorted(STANCES)}, got {stance!r}")
    with transaction.atomic():
        lead = _lock_new(lead_id)
        _check(actor, lead.claim)
        evidence = services.evidence_add(
            claim=lead.claim,
            actor=actor,
            url=lead.url,
            stance=stance,
            excerpt=_excerpt(lead),
            note=lead.headline,
            origin=Evidence.Origin.ADDED,
        )
        lead.state = ClaimLead.State.ACCEPTED
        lead.evidence = evidence
        lead.decided_by = actor
        lead.decided_at = timezone.now()
        lead.save(update_fields=["state", "evidence", "decided_by", "decided_at", "updated_at"])
    return lead


def lead_dismiss(*, lead_id: int, actor) -> ClaimLead:
    """Dismiss a new lead (it is never proposed again); raise if decided or not permitted."""
    with transaction.atomic():
        lead = _lock_new(lead_id)
        _check(actor, lead.claim)
        lead.state = ClaimLead.State.DISMISSED
        lead.decided_by = actor
        lead.decided_at = timezone.now()
        lead.save(update_fields=["state", "decided_by", "decided_at", "updated_at"])
    return lead


@dataclass
class SearchOutcome:
    leads: list[ClaimLead] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


def claim_search_leads(*, claim_id: int, actor, source_names: list[str] | None = None) -> SearchOutcome:
    """Search the enabled lead sources for the claim and record what they find as leads.

    A failing source is reported in ``errors`` without stopping the others. The searches run before
    any write (no network I/O inside a transaction).
    """
    claim = Claim.objects.select_related("article").get(pk=claim_id)
    _check(actor, claim)
    sources = (
        [LEAD_SOURCES[name] for name in source_names if name in LEAD_SOURCES]
        if source_names
        else enabled_lead_sources()
    )
    text = claim.restatement or claim.text
    language = claim.article.language if claim.article_id else ""
    outcome = SearchOutcome()
    found = []
    for source in sources:
        try:
            found.extend((source.name, data) for data in source.search(text, language=language))
        except ConnectorError as exc:
            outcome.errors[source.name] = exc.message
    scorer = LexicalRanker(items=[(claim.pk, claim_text(claim))])
    for origin, data in found:
        review = external_review_upsert(data=data, origin=origin).review
        score = next((s for _key, s in scorer.rank(data.claim_reviewed or data.title, 1)), 0.0)
        lead, _created = lead_for_review(
            claim=claim, review=review, score=score, may_flag=score >= scorer.suggest_threshold
        )
        outcome.leads.append(lead)
    return outcome
