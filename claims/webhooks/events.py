"""Payloads of webhook events: what a consumer receives under ``data``.

Published and corrected verdicts are sent as their public JSON (the same document as
``GET /api/v1/verdicts/{id}/``). A withdrawn verdict is no longer public, so only its id, claim and links
go out; ``claim.needs_update`` names the claim and its current public verdict, not the internal reason.
"""

from claims.api.links import PublicLinks
from claims.api.public_serializers import lazy_bounds, public_verdict_dict
from claims.api.selectors import attach_related, public_verdict_rows
from claims.models import Verdict


def verdict_data(verdict_id: int) -> dict | None:
    """The public JSON of a published or corrected verdict; None if it is not (or no longer) public."""
    row = public_verdict_rows().filter(pk=verdict_id).first()
    if row is None:
        return None
    return public_verdict_dict(attach_related([row])[0], links=PublicLinks(), bounds=lazy_bounds())


def corrected_data(verdict_id: int, previous_verdict_id: int) -> dict | None:
    data = verdict_data(verdict_id)
    if data is None:
        return None
    return {**data, "previous_verdict": PublicLinks().verdict(previous_verdict_id)}


def withdrawn_data(verdict_id: int) -> dict | None:
    verdict = Verdict.objects.filter(pk=verdict_id).only("id", "claim_id", "state").first()
    if verdict is None:
        return None
    links = PublicLinks()
    return {
        "id": verdict.pk,
        "url": links.verdict(verdict.pk),
        "claim_id": verdict.claim_id,
        "state": verdict.state,
    }


def needs_update_data(claim_id: int) -> dict:
    current = Verdict.objects.filter(claim_id=claim_id, state=Verdict.State.PUBLISHED).only("id").first()
    links = PublicLinks()
    return {
        "claim_id": claim_id,
        "current_verdict": links.verdict(current.pk) if current else None,
        "page_url": links.page(current.pk) if current else None,
    }
