"""The claim page's "possibly the same claim as #N" panel and its Merge / Link appearance / Reject buttons.

Each button is a POST (CSRF-protected by the admin) to :func:`match_decide_view`, which calls the matching
services; a refusal comes back as a message on the claim page, never a traceback.
"""

from django.contrib import messages
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse

from claims import permissions, services, similar
from claims.admin.errors import report_domain_error
from claims.errors import DomainError
from claims.models import Claim, ClaimAppearance, ClaimMatch

DECISIONS = {
    "merge": (services.match_confirm_merge, "Merged claim #{claim} into #{candidate}."),
    "link": (services.match_link_appearance, "Recorded claim #{claim} as a new appearance of #{candidate}."),
    "reject": (services.match_reject, "Rejected: #{candidate} will not be suggested again for this claim."),
}


def panel_context(user, claim: Claim) -> dict:
    """What the claim page shows: open suggestions (editors), the quote check, and recorded appearances."""
    return {
        "claim_matches": similar.open_matches(claim) if permissions.is_editor(user) else [],
        "quote_checks": list((claim.quote_check or {}).values()),
        "appearances": list(
            ClaimAppearance.objects.filter(checked_claim=claim).select_related("claimant", "article__source")
        ),
    }


def match_decide_view(model_admin, request, pk, match_pk, decision):
    """POST only: merge, link or reject one suggestion of claim ``pk``; back to the claim page."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    if decision not in DECISIONS:
        raise Http404("Unknown decision.")
    claim = get_object_or_404(permissions.visible_claims(request.user), pk=pk)
    match = get_object_or_404(ClaimMatch, pk=match_pk, claim=claim)
    service, success = DECISIONS[decision]
    try:
        service(match=match, actor=request.user)
    except DomainError as exc:
        report_domain_error(request, exc)
    else:
        messages.success(request, success.format(claim=match.claim_id, candidate=match.candidate_id))
    return HttpResponseRedirect(reverse("admin:claims_claim_change", args=[claim.pk]))
