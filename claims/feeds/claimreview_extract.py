"""ClaimReview markup (JSON-LD, including ``@graph`` and lists, and microdata) to normalised reviews.

``extract_from_html`` reads a page with extruct; ``extract_from_json`` reads a JSON/JSON-LD document
(one object, a list, or a graph); both return :class:`ReviewData` ready for ``ExternalReview``.
Identity: a review's ``url``. A page reviewing several claims under one URL (common) gets
``#claim-N`` appended for the second and later claims, so each claim keeps its own row, stably across
re-imports as long as the page keeps its order.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urljoin

import extruct
from django.utils.dateparse import parse_date

from claims.feeds.errors import FeedParseError
from claims.feeds.ratings import verdict_for

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class ReviewData:
    """ExternalReview fields of one ClaimReview; ``raw`` is the object as found (references resolved)."""

    url: str
    publisher_name: str = ""
    publisher_url: str = ""
    claim_reviewed: str = ""
    claimant: str = ""
    claim_date: date | None = None
    review_date: date | None = None
    title: str = ""
    textual_rating: str = ""
    rating_value: float | None = None
    best_rating: float | None = None
    worst_rating: float | None = None
    verdict: str = "mixed"
    language: str = ""
    raw: dict = field(default_factory=dict)

    def as_fields(self) -> dict:
        return {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "url"}


def _types(node: dict) -> set[str]:
    value = node.get("@type") or node.get("type") or []
    values = value if isinstance(value, list) else [value]
    # "ClaimReview", "schema:ClaimReview" and "https://schema.org/ClaimReview" all name the same type.
    return {str(v).rsplit("/", 1)[-1].rsplit(":", 1)[-1] for v in values}


def _walk(value, found: list, ids: dict) -> None:
    if isinstance(value, list):
        for item in value:
            _walk(item, found, ids)
    elif isinstance(value, dict):
        if "@id" in value and len(value) > 1:
            ids.setdefault(value["@id"], value)
        if "ClaimReview" in _types(value):
            found.append(value)
        for key, item in value.items():
            if key != "@context":
                _walk(item, found, ids)


def _resolve(value, ids: dict, depth: int = 0):
    """Replace bare ``{"@id": ...}`` references by the node they name (Yoast-style graphs use them)."""
    if depth > 6:
        return value
    if isinstance(value, list):
        return [_resolve(v, ids, depth + 1) for v in value]
    if isinstance(value, dict):
        if set(value) == {"@id"} and value["@id"] in ids:
            value = ids[value["@id"]]
        return {k: _resolve(v, ids, depth + 1) for k, v in value.items() if k != "@context"}
    return value


def _first(value):
    while isinstance(value, list):
        value = value[0] if value else None
    return value


def _text(value) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or value.get("alternateName") or ""
    return " ".join(str(value).split()) if value is not None else ""


def _number(value) -> float | None:
    value = _first(value)
    try:
        return float(str(value).strip()) if value not in (None, "") else None
    except ValueError:
        return None


def _date(value) -> date | None:
    match = _DATE.search(_text(value))
    return parse_date(match.group(0)) if match else None


def _url(value, base_url: str) -> str:
    value = _first(value)
    if isinstance(value, dict):
        value = value.get("url") or value.get("@id") or ""
    value = str(value or "").strip()
    return urljoin(base_url, value) if value and base_url else value


def normalise(node: dict, *, base_url: str = "", language: str = "") -> ReviewData | None:
    """Return the ExternalReview fields of one ClaimReview object, or None when it has no URL at all."""
    url = _url(node.get("url"), base_url) or base_url
    if not url.startswith(("http://", "https://")):
        return None
    author = _first(node.get("author")) or _first(node.get("publisher")) or {}
    item = _first(node.get("itemReviewed")) or {}
    item = item if isinstance(item, dict) else {}
    appearance = _first(item.get("appearance")) or _first(item.get("firstAppearance")) or {}
    rating = _first(node.get("reviewRating")) or {}
    rating = rating if isinstance(rating, dict) else {"alternateName": rating}
    textual = _text(rating.get("alternateName")) or _text(rating.get("name"))
    value, best, worst = (_number(rating.get(k)) for k in ("ratingValue", "bestRating", "worstRating"))
    review = ReviewData(
        url=url[:2000],
        publisher_name=_text(author)[:255],
        publisher_url=(_url(author, base_url) if isinstance(author, dict) else "")[:2000],
        claim_reviewed=_text(node.get("claimReviewed")) or _text(item.get("name")),
        claimant=_text(item.get("author"))[:255],
        claim_date=_date(item.get("datePublished"))
        or (_date(appearance.get("datePublished")) if isinstance(appearance, dict) else None),
        review_date=_date(node.get("datePublished")),
        title=_text(node.get("name")) or _text(node.get("headline")),
        textual_rating=textual[:255],
        rating_value=value,
        best_rating=best,
        worst_rating=worst,
        language=(_text(node.get("inLanguage")) or language)[:16],
        raw=node,
    )
    review.verdict = verdict_for(textual, value=value, best=best, worst=worst)
    return review


def _normalise_all(nodes: list[dict], ids: dict, *, base_url: str, language: str) -> list[ReviewData]:
    reviews, seen = [], {}
    for node in nodes:
        review = normalise(_resolve(node, ids), base_url=base_url, language=language)
        if review is None:
            continue
        count = seen.get(review.url, 0)
        seen[review.url] = count + 1
        if count:
            review.url = f"{review.url.split('#', 1)[0]}#claim-{count + 1}"
        reviews.append(review)
    return reviews


def extract_from_data(data, *, base_url: str = "", language: str = "") -> list[ReviewData]:
    """Return the ClaimReviews in already-parsed JSON-LD (an object, a list, or a ``@graph``)."""
    found, ids = [], {}
    _walk(data, found, ids)
    return _normalise_all(found, ids, base_url=base_url, language=language)


def extract_from_json(text: str | bytes, *, base_url: str = "") -> list[ReviewData]:
    """Return the ClaimReviews of a JSON/JSON-LD document; raise FeedParseError if it is not JSON."""
    try:
        data = json.loads(text)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FeedParseError(f"not valid JSON: {exc}") from exc
    return extract_from_data(data, base_url=base_url)


def extract_from_html(body: str | bytes, *, base_url: str = "") -> list[ReviewData]:
    """Return the ClaimReviews in a page's JSON-LD and microdata (a malformed script block is skipped)."""
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    try:
        data = extruct.extract(
            body, base_url=base_url or None, syntaxes=["json-ld", "microdata"], uniform=True, errors="log"
        )
    except Exception as exc:  # noqa: BLE001 - extruct/lxml raise many types on broken markup
        raise FeedParseError(f"page markup cannot be read: {exc}") from exc
    match = re.search(r"<html[^>]*\slang=[\"']?([A-Za-z-]{2,16})", body[:4000], re.IGNORECASE)
    return extract_from_data(
        data.get("json-ld", []) + data.get("microdata", []),
        base_url=base_url,
        language=match.group(1) if match else "",
    )


def extract(body: str | bytes, *, base_url: str = "", content_type: str = "") -> list[ReviewData]:
    """Return the ClaimReviews of a JSON document or an HTML page, deciding by content type and shape."""
    head = (body[:200].decode("utf-8", "replace") if isinstance(body, bytes) else body[:200]).lstrip()
    if "json" in content_type or head.startswith(("{", "[")):
        return extract_from_json(body, base_url=base_url)
    return extract_from_html(body, base_url=base_url)
