"""Lead sources a reviewer can search from a claim: our stored external reviews and Google Fact Check Tools.

Both implement the same interface (``name``, ``enabled()``, ``search(text, language=, limit=)`` returning
:class:`ReviewData`), so the claim page runs whichever are enabled. Fact Check Tools' ``claims:search``
(GET ``{FACTCHECK_TOOLS_URL}?query=...&languageCode=...&pageSize=...&pageToken=...&key=...``) answers
``{"claims": [{"text", "claimant", "claimDate", "claimReview": [{"publisher": {"name", "site"}, "url",
"title", "reviewDate", "textualRating", "languageCode"}]}], "nextPageToken"}``; it is off without an
API key. Requests go through the project's fetcher like every other HTTP request.
"""

import json
from typing import Protocol
from urllib.parse import quote_plus, urlencode

from django.conf import settings

from claims.feeds import interim
from claims.feeds.claimreview_extract import ReviewData, _date
from claims.feeds.errors import ConnectorError
from claims.feeds.lexical import LexicalRanker
from claims.feeds.ratings import verdict_for
from claims.models_feeds import ExternalReview


class LeadSource(Protocol):
    name: str

    def enabled(self) -> bool: ...

    def search(self, text: str, *, language: str = "", limit: int = 10) -> list[ReviewData]: ...


class StoredReviews:
    """External reviews already stored (from feeds, imports and earlier searches), ranked lexically."""

    name = "stored"

    def enabled(self) -> bool:
        return True

    def search(self, text: str, *, language: str = "", limit: int = 10) -> list[ReviewData]:
        reviews = ExternalReview.objects.exclude(claim_reviewed="")
        if language:
            reviews = reviews.filter(language__istartswith=language[:2])
        ranker = LexicalRanker(items=reviews.values_list("pk", "claim_reviewed").iterator())
        hits = [pk for pk, score in ranker.rank(text, limit) if score >= ranker.suggest_threshold]
        by_pk = ExternalReview.objects.in_bulk(hits)
        return [_as_data(by_pk[pk]) for pk in hits if pk in by_pk]


def _as_data(review: ExternalReview) -> ReviewData:
    fields = {name: getattr(review, name) for name in ReviewData.__dataclass_fields__}
    return ReviewData(**fields)


class FactCheckTools:
    """Google Fact Check Tools claim search; enabled only with ``FACTCHECK_TOOLS_API_KEY``."""

    name = "factchecktools"

    def enabled(self) -> bool:
        return bool(settings.FACTCHECK_TOOLS_API_KEY)

    def _page(self, params: dict) -> dict:
        url = f"{settings.FACTCHECK_TOOLS_URL}?{urlencode(params)}"
        try:
            response = interim.http_get(url)
        except interim.FetchFailed as exc:
            # The fetcher's reason names the URL, which carries the API key: never show the key.
            key = settings.FACTCHECK_TOOLS_API_KEY
            reason = str(exc).replace(quote_plus(key), "<key>").replace(key, "<key>")
            raise ConnectorError(f"Fact Check Tools search failed: {reason}") from None
        try:
            return json.loads(response.body)
        except ValueError as exc:
            raise ConnectorError("Fact Check Tools answered with something that is not JSON") from exc

    def search(self, text: str, *, language: str = "", limit: int = 10) -> list[ReviewData]:
        """Return up to ``limit`` reviews for ``text``; raise ConnectorError when off or failing."""
        if not self.enabled():
            raise ConnectorError("Fact Check Tools is off: set FACTCHECK_TOOLS_API_KEY")
        params = {"query": text[:500], "pageSize": min(limit, 50), "key": settings.FACTCHECK_TOOLS_API_KEY}
        if language:
            params["languageCode"] = language
        found: list[ReviewData] = []
        for _page in range(settings.FACTCHECK_TOOLS_MAX_PAGES):
            data = self._page(params)
            for claim in data.get("claims") or []:
                found.extend(_reviews_of(claim))
            token = data.get("nextPageToken")
            if not token or len(found) >= limit:
                break
            params["pageToken"] = token
        return found[:limit]


def _reviews_of(claim: dict) -> list[ReviewData]:
    reviews = []
    for review in claim.get("claimReview") or []:
        url = str(review.get("url") or "")
        if not url.startswith(("http://", "https://")):
            continue
        publisher = review.get("publisher") or {}
        site = str(publisher.get("site") or "")
        textual = str(review.get("textualRating") or "")[:255]
        reviews.append(
            ReviewData(
                url=url[:2000],
                publisher_name=str(publisher.get("name") or site)[:255],
                publisher_url=f"https://{site}/" if site and "/" not in site else "",
                claim_reviewed=str(claim.get("text") or ""),
                claimant=str(claim.get("claimant") or "")[:255],
                claim_date=_date(claim.get("claimDate")),
                review_date=_date(review.get("reviewDate")),
                title=str(review.get("title") or ""),
                textual_rating=textual,
                verdict=verdict_for(textual),
                language=str(review.get("languageCode") or "")[:16],
                raw={"claim": {k: v for k, v in claim.items() if k != "claimReview"}, "claimReview": review},
            )
        )
    return reviews


LEAD_SOURCES: dict[str, LeadSource] = {"stored": StoredReviews(), "factchecktools": FactCheckTools()}


def enabled_lead_sources() -> list[LeadSource]:
    return [source for source in LEAD_SOURCES.values() if source.enabled()]
