"""The public verdict page ``/checks/{id}/``: escaped HTML and one ClaimReview JSON-LD block.

A corrected (superseded) verdict's page stays up and says so, but carries no ClaimReview and points
search engines at the current verdict (``rel=canonical``): two ClaimReviews of one claim with different
ratings would contradict each other in search results.
"""

import json
import re

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.utils.dateparse import parse_datetime
from django.utils.safestring import mark_safe

from claims.api.links import PublicLinks
from claims.api.public_serializers import lazy_bounds, public_verdict_dict
from claims.api.selectors import attach_related, public_verdict_rows
from claims.claimreview import claimreview_for
from claims.models import Verdict

CHECKS_PER_PAGE = 25

# Inside <script>, "</script>" or "<!--" in a string would end or change the block; JSON allows these
# characters escaped as \uXXXX, so the data round-trips unchanged for JSON-LD parsers.
_SCRIPT_ESCAPES = {ord("<"): "\\u003C", ord(">"): "\\u003E", ord("&"): "\\u0026"}


_HEX_COLOUR = re.compile(r"#[0-9a-fA-F]{3,6}")


def _href(url: str) -> str | None:
    """Only http(s) URLs become links (a stored ``javascript:`` URL must never be clickable)."""
    return url if url.lower().startswith(("http://", "https://")) else None


def _when(value) -> object:
    """The API's ISO timestamp as a datetime, so the page can print a date a reader reads."""
    return parse_datetime(value) if isinstance(value, str) else value


def ld_json(data: dict) -> str:
    """Serialize ``data`` for a ``<script type="application/ld+json">`` block, safe in that context."""
    return mark_safe(json.dumps(data, ensure_ascii=False, indent=2).translate(_SCRIPT_ESCAPES))  # noqa: S308


def verdict_page(request, pk: int):
    """Render a public verdict; 404 for drafts, proposed, withdrawn or unknown verdicts."""
    row = public_verdict_rows().filter(pk=pk).first()
    if row is None:
        raise Http404("No public verdict with this id.")
    links = PublicLinks(request)
    bounds = lazy_bounds()
    data = public_verdict_dict(attach_related([row])[0], links=links, bounds=bounds)
    context = {
        "v": data,
        "claimreview": None,
        "current_page": None,
        "article_href": _href(data["article"]["url"]) if data["article"] else None,
        "evidence": [{**e, "href": _href(e["url"])} for e in data["evidence"]],
        "published": _when(data["published_at"]),
        "history": [{**c, "published": _when(c["published_at"])} for c in data["corrections"]],
        "colour": data["rating"]["colour"]
        if data["rating"] and _HEX_COLOUR.fullmatch(data["rating"]["colour"])
        else "#555555",
    }
    if data["state"] == Verdict.State.PUBLISHED:
        verdict = Verdict.objects.select_related("rating", "claim__claimant", "claim__article__source").get(
            pk=pk
        )
        context["claimreview"] = ld_json(claimreview_for(verdict, url=links.page(pk), bounds=bounds()))
    else:
        current = next((v for v in data["corrections"] if v["state"] == Verdict.State.PUBLISHED), None)
        context["current_page"] = links.page(current["id"]) if current else None
    return render(request, "claims/public/verdict.html", context)


def checks_list(request):
    """The public list of current verdicts, newest first, 25 a page; an out-of-range page is the last."""
    verdicts = (
        Verdict.objects.filter(state=Verdict.State.PUBLISHED)
        .select_related("rating", "claim__claimant", "claim__article")
        .order_by("-published_at", "-id")
    )
    page = Paginator(verdicts, CHECKS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "claims/public/checks.html", {"page": page})
