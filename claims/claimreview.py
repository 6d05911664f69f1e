"""schema.org ClaimReview for a verdict, and the check that it is complete enough to publish.

Follows schema.org/ClaimReview as search engines read it: ``claimReviewed``, ``url``, ``author`` (the
organisation), ``datePublished`` (when the check was published), ``itemReviewed`` (a ``Claim`` whose
``author`` is the claimant, whose ``datePublished`` is when the claim was made — the article's date, never
the check's — and whose ``appearance`` is the article: its http(s) URL, headline and publisher; an upload
without a URL of its own is named by the URL its page declares, or by headline and publisher alone) and
``reviewRating``. A numeric rating carries
``ratingValue`` with ``bestRating``/``worstRating`` taken from the scale's numeric extremes; a
non-numeric one (Misleading, Unproven) carries only ``alternateName``, as the scale has no number for it.
"""

from django.conf import settings
from django.db.models import Max, Min

from claims.models import Claimant, Rating, Verdict


def scale_bounds() -> tuple[float | None, float | None]:
    """Return (best, worst) numeric values of the active rating scale, or (None, None) if it has none."""
    bounds = Rating.objects.filter(is_active=True, value__isnull=False).aggregate(
        best=Max("value"), worst=Min("value")
    )
    return bounds["best"], bounds["worst"]


# What a ClaimReview needs that a verdict may miss, by a stable code (the API's ``problems``), worded for
# the editor who has to fix it: itemReviewed.author is the claimant, reviewRating the rating.
PROBLEMS = {
    "claim_text": "Write the claim's text before publishing",
    "rating": "Choose a rating for the verdict before publishing",
    "claimant": "Set who made this claim (the claimant) before publishing",
    "organisation": "The organisation publishing the checks is not configured (FACTCHECK_ORG_NAME): "
    "ask an administrator to set it",
}


def claimreview_problems(verdict: Verdict) -> list[str]:
    """The codes (keys of PROBLEMS) of what a ClaimReview of ``verdict`` would miss; empty: publishable."""
    problems = []
    claim = verdict.claim
    if not (claim.restatement or claim.text).strip():
        problems.append("claim_text")
    if verdict.rating_id is None:
        problems.append("rating")
    if claim.claimant_id is None:
        problems.append("claimant")
    if not settings.FACTCHECK_ORG_NAME:
        problems.append("organisation")
    return problems


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _claim_author(claimant: Claimant) -> dict:
    kind = "Organization" if claimant.kind == Claimant.Kind.ORGANIZATION else "Person"
    author = {"@type": kind, "name": claimant.name}
    if claimant.description:
        author["description"] = claimant.description
    return author


def _review_rating(rating: Rating, bounds: tuple[float | None, float | None]) -> dict:
    review = {"@type": "Rating", "alternateName": rating.label}
    best, worst = bounds
    if rating.value is not None and best is not None:
        review.update(ratingValue=_number(rating.value), bestRating=_number(best), worstRating=_number(worst))
    return review


def _appearance(article) -> dict | None:
    """The article as a CreativeWork; without an http(s) URL (an upload declaring none) it is described
    by its headline and publisher alone, which schema.org allows, rather than by its ``urn:`` identity."""
    appearance = {"@type": "CreativeWork"}
    if article.public_url:
        appearance["url"] = article.public_url
    if article.title:
        appearance["headline"] = article.title
    if article.publisher:
        appearance["publisher"] = {"@type": "Organization", "name": article.publisher}
    return appearance if len(appearance) > 1 else None


def claimreview_for(verdict: Verdict, *, url: str, bounds: tuple | None = None) -> dict:
    """Build the ClaimReview JSON-LD object for a published (or corrected) verdict shown at ``url``.

    ``bounds`` lets a caller rendering many verdicts compute the scale's best/worst once.
    """
    claim = verdict.claim
    item = {"@type": "Claim"}
    if claim.claimant_id:
        item["author"] = _claim_author(claim.claimant)
    article = claim.article
    if article is not None:
        if article.published_at:
            item["datePublished"] = article.published_at.date().isoformat()
        appearance = _appearance(article)
        if appearance:
            item["appearance"] = [appearance]
    review = {
        "@context": "https://schema.org",
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim.restatement or claim.text,
        "author": {
            "@type": "Organization",
            "name": settings.FACTCHECK_ORG_NAME,
            "url": settings.FACTCHECK_ORG_URL,
        },
        "itemReviewed": item,
    }
    if verdict.published_at:
        review["datePublished"] = verdict.published_at.date().isoformat()
    if verdict.rating_id:
        review["reviewRating"] = _review_rating(verdict.rating, bounds or scale_bounds())
    if verdict.summary:
        review["reviewBody"] = verdict.summary
    return review
