"""Claim text search: PostgreSQL full-text search (GIN index) with a simple fallback on SQLite.

On PostgreSQL the query uses ``websearch_to_tsquery`` on the English configuration, served by the
expression index ``claim_text_fts_idx`` (migration 0002); user input is passed as a parameter, so quotes,
``%``, ``_`` and other LIKE/SQL metacharacters are just text. SQLite (the embedded demo) has no such index:
there each word must appear in the text (case-insensitive ``LIKE`` with escaping done by Django).
"""

import re

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

FTS_CONFIG = "english"


def claim_search_vector(prefix: str = ""):
    """The indexed expression; must stay identical to the one in the migration to use the index."""
    return SearchVector(f"{prefix}text", f"{prefix}restatement", config=FTS_CONFIG)


_WHOLE_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d{4,})$")


def number_spellings(word: str) -> tuple[str, ...]:
    """The spellings of a whole number with and without thousands separators; () for other words."""
    if not _WHOLE_NUMBER.match(word):
        return ()
    digits = word.replace(",", "")
    return (digits, f"{int(digits):,}") if len(digits) > 3 else (digits,)


def search_claims(queryset: QuerySet, query: str, *, prefix: str = "") -> QuerySet:
    """Filter ``queryset`` to rows whose claim text or restatement matches ``query``.

    ``prefix`` is the lookup path to the claim from the queryset's model (e.g. ``"claim__"``).
    """
    query = (query or "").strip()
    if not query:
        return queryset
    words = query.split()
    numbers = [number_spellings(w) for w in words if number_spellings(w)]
    if connection.vendor == "postgresql":
        rest = " ".join(w for w in words if not number_spellings(w))
        parts = [SearchQuery(rest, config=FTS_CONFIG, search_type="websearch")] if rest else []
        for spellings in numbers:
            either = None
            for spelling in spellings:
                one = SearchQuery(spelling, config=FTS_CONFIG, search_type="phrase")
                either = one if either is None else either | one
            parts.append(either)
        tsquery = parts[0]
        for part in parts[1:]:
            tsquery &= part
        return queryset.annotate(_claim_fts=claim_search_vector(prefix)).filter(_claim_fts=tsquery)
    condition = Q()
    for word in words[:10]:
        either = Q()
        for spelling in number_spellings(word) or (word,):
            either |= Q(**{f"{prefix}text__icontains": spelling}) | Q(
                **{f"{prefix}restatement__icontains": spelling}
            )
        condition &= either
    return queryset.filter(condition)
