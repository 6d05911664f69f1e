"""Lexical and semantic rankers fused by a weighted sum of their scores (weight tuned on TRAIN).

Both rankers keep their own index in step (index/add/remove go to both). Candidates are the union of
each ranker's top ``pool``; a candidate missing from one list gets that ranker's exact score, so the
fused score does not depend on the pool size.
"""

import logging
from collections.abc import Iterable, Mapping

from claims.matching import RankerUnavailable
from claims.matching.lexical import LexicalRanker

logger = logging.getLogger(__name__)


class CombinedRanker:
    """score = lexical_weight * lexical score + (1 - lexical_weight) * semantic score."""

    name = "combined"
    # Best of 0.0-1.0 in steps of 0.1 on the train queries (MAP@5 0.895); see docs/matching.md.
    lexical_weight = 0.5
    suggest_threshold = 0.5
    confirm_threshold = 0.8

    def __init__(self, lexical=None, semantic=None, *, pool: int = 50):
        from claims.matching.semantic import SemanticRanker

        self.lexical = lexical or LexicalRanker()
        self.semantic = semantic or SemanticRanker()
        self.pool = pool

    def __len__(self) -> int:
        return len(self.lexical)

    def __contains__(self, key) -> bool:
        return key in self.lexical

    def index(self, items: Iterable[tuple[object, str | Mapping[str, str]]]) -> None:
        """Replace both indexes with ``items``."""
        pairs = list(items)
        self.lexical.index(pairs)
        self.semantic.index(pairs)

    def add(self, key, value: str | Mapping[str, str]) -> None:
        self.semantic.add(key, value)
        self.lexical.add(key, value)

    def remove(self, key) -> None:
        self.lexical.remove(key)
        self.semantic.remove(key)

    def rank(self, text: str, k: int = 10) -> list[tuple[object, float]]:
        """Return up to ``k`` (key, fused score) pairs best first."""
        if k <= 0:
            return []
        pool = max(k, self.pool)
        lexical = dict(self.lexical.rank(text, pool))
        semantic = dict(self.semantic.rank(text, pool))
        keys = list(dict.fromkeys([*lexical, *semantic]))
        missing_lexical = [key for key in keys if key not in lexical]
        lexical.update(zip(missing_lexical, self.lexical.score_keys(text, missing_lexical), strict=True))
        missing_semantic = [key for key in keys if key not in semantic]
        semantic.update(zip(missing_semantic, self.semantic.score_keys(text, missing_semantic), strict=True))
        w = self.lexical_weight
        # The order of `keys` (lexical list first) breaks ties, as both rankers favour the earlier claim.
        fused = [(key, w * lexical[key] + (1 - w) * semantic[key]) for key in keys]
        fused.sort(key=lambda pair: -pair[1])
        return fused[:k]


def combined_or_lexical():
    """Return a CombinedRanker, or a LexicalRanker with a warning when the semantic extra is missing."""
    try:
        return CombinedRanker()
    except RankerUnavailable as exc:
        logger.warning("combined matching falls back to the lexical ranker: %s", exc)
        return LexicalRanker()
