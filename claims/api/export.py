"""Streamed exports of all public verdicts (CSV and JSON Lines) for data users.

Rows are read with a server-side cursor in chunks (``iter_public_rows``: 3 queries per chunk of 500),
so memory stays flat however many verdicts there are, and the first bytes leave before the last row is read.
"""

import csv
import json
from collections.abc import Iterable, Iterator

from claims.api.links import PublicLinks
from claims.api.public_serializers import lazy_bounds, public_verdict_dict
from claims.api.selectors import iter_public_rows

CHUNK = 500

CSV_COLUMNS = [
    "id",
    "url",
    "page_url",
    "state",
    "is_current",
    "current_verdict",
    "claim_id",
    "claim_text",
    "claim_restatement",
    "claimant",
    "claimant_kind",
    "article_url",
    "article_title",
    "article_publisher",
    "article_published_at",
    "article_language",
    "rating",
    "rating_slug",
    "rating_value",
    "rating_best",
    "rating_worst",
    "summary",
    "explanation",
    "evidence_urls",
    "published_at",
    "updated_at",
    "correction_note",
]
# Cells a spreadsheet would run as a formula (CSV injection); such text cells get a leading apostrophe.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _text(value) -> str:
    value = "" if value is None else str(value)
    return "'" + value if value.startswith(_FORMULA_START) else value


def csv_row(data: dict) -> list:
    """Flatten one public verdict dict into the CSV columns (text cells defused for spreadsheets)."""
    claimant = data["claimant"] or {}
    article = data["article"] or {}
    rating = data["rating"] or {}
    return [
        data["id"],
        data["url"],
        data["page_url"],
        data["state"],
        "true" if data["is_current"] else "false",
        data["current_verdict"] or "",
        data["claim"]["id"],
        _text(data["claim"]["text"]),
        _text(data["claim"]["restatement"]),
        _text(claimant.get("name")),
        claimant.get("kind", ""),
        _text(article.get("url")),
        _text(article.get("title")),
        _text(article.get("publisher")),
        article.get("published_at") or "",
        _text(article.get("language")),
        _text(rating.get("label")),
        rating.get("slug", ""),
        "" if rating.get("value") is None else rating["value"],
        "" if rating.get("best") is None else rating["best"],
        "" if rating.get("worst") is None else rating["worst"],
        _text(data["summary"]),
        _text(data["explanation"]),
        _text(" ".join(e["url"] for e in data["evidence"])),
        data["published_at"],
        data["updated_at"],
        _text(data["correction_note"]),
    ]


class _Echo:
    def write(self, value: str) -> str:
        return value


def _dicts(queryset, request) -> Iterator[dict]:
    links = PublicLinks(request)
    bounds = lazy_bounds()
    for row in iter_public_rows(queryset, chunk=CHUNK):
        yield public_verdict_dict(row, links=links, bounds=bounds)


def stream_csv(queryset, request=None) -> Iterable[str]:
    """Yield the CSV header, then one line per verdict of ``queryset`` (from ``public_verdict_rows()``)."""
    writer = csv.writer(_Echo())
    yield writer.writerow(CSV_COLUMNS)
    for data in _dicts(queryset, request):
        yield writer.writerow(csv_row(data))


def stream_jsonl(queryset, request=None) -> Iterable[str]:
    """Yield one JSON document per line, the same shape as ``GET /api/v1/verdicts/{id}/``."""
    for data in _dicts(queryset, request):
        yield json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
