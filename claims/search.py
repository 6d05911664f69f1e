"""Claim text search: PostgreSQL full-text search (GIN index) with a simple fallback on SQLite.

On PostgreSQL the query uses ``websearch_to_tsquery`` on the English configuration, served by the
expression index ``claim_text_fts_idx`` (migration 0002); user input is passed as a parameter, so quotes,
``%``, ``_`` and other LIKE/SQL metacharacters are just text. SQLite (the embedded demo) has no such index:
there each word must appear in the text (case-insensitive ``LIKE`` with escaping done by Django).
"""

from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import Q, QuerySet

FTS_CONFIG = "english"


def claim_search_vector(prefix: str = ""):
    """The indexed expression; must stay identical to the one in the migration to use the index."""
    return SearchVector(f"{prefix}text", f"{prefix}restatement", config=FTS_CONFIG)


def search_claims(queryset: QuerySet, query: str, *, prefix: str = "") -> QuerySet:
    """Filter ``queryset`` to rows whose claim text or restatement matches ``query``.

    ``prefix`` is the lookup path to the claim from the queryset's model (e.g. ``"claim__"``).
    """
    query = (query or "").strip()
    if not query:
        return queryset
    if connection.vendor == "postgresql":
        return queryset.annotate(_claim_fts=claim_search_vector(prefix)).filter(
            _claim_fts=SearchQuery(query, config=FTS_CONFIG, search_type="websearch")
        )
    condition = Q()
    for word in query.split()[:10]:
        condition &= Q(**{f"{prefix}text__icontains": word}) | Q(**{f"{prefix}restatement__icontains": word})
    return queryset.filter(condition)
