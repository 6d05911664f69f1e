"""Claim matching: rank stored claims by how likely they are the same claim as a new text.

    ranker = get_ranker()                  # settings.MATCHING_RANKER: lexical (default), semantic, combined
    ranker.index([(claim_id, text), ...])  # replaces the index; text may be {"text": ..., "title": ...}
    ranker.add(key, text); ranker.remove(key)
    ranker.rank(text, k=10)                # [(key, score), ...] best first
    ranker.suggest_threshold, ranker.confirm_threshold

Each call to ``get_ranker`` returns a new, empty ranker; the embedding model behind "semantic" is loaded
once per process and shared.
"""

from collections.abc import Iterable, Mapping
from typing import Protocol


class Ranker(Protocol):
    name: str
    suggest_threshold: float
    confirm_threshold: float

    def index(self, items: Iterable[tuple[object, str | Mapping[str, str]]]) -> None: ...

    def add(self, key, value: str | Mapping[str, str]) -> None: ...

    def remove(self, key) -> None: ...

    def rank(self, text: str, k: int = 10) -> list[tuple[object, float]]: ...


class RankerUnavailable(RuntimeError):
    """The ranker asked for needs an optional extra that is not installed."""


RANKERS = ("lexical", "semantic", "combined")


def get_ranker(name: str | None = None, *, rerank: bool = True) -> Ranker:
    """Return a new empty ranker by name (default settings.MATCHING_RANKER); raise ValueError if unknown.

    "semantic" raises RankerUnavailable without the ``semantic`` extra; "combined" then falls back to
    the lexical ranker with a warning. ``rerank=False`` leaves out the learned re-ranker, whose score is
    the probability of "the same claim": right for matching claims, too strict for passages that are
    only about a claim (evidence suggestions).
    """
    if name is None:
        from django.conf import settings

        name = getattr(settings, "MATCHING_RANKER", "lexical")
    if name == "lexical":
        from claims.matching.lexical import LexicalRanker

        return LexicalRanker(reranker="bundled" if rerank else None)
    if name == "semantic":
        from claims.matching.semantic import SemanticRanker

        return SemanticRanker()
    if name == "combined":
        from claims.matching.combined import combined_or_lexical

        return combined_or_lexical(rerank=rerank)
    raise ValueError(f"unknown matching ranker {name!r}; choose one of {', '.join(RANKERS)}")
