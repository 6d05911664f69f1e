"""Lexical and semantic rankers fused by a learned re-ranker (trained on the CheckThat! train split).

Both rankers keep their own index in step (index/add/remove go to both). Candidates are the union of
each ranker's top ``rerank.POOL``; every candidate gets the lexical features (BM25 per field, coverage,
...) and the semantic ones (cosine with the text and the title embeddings, rank), and the bundled
logistic model (weights/rerank_combined.json) orders them. The score is that model's probability.
"""

import logging
from collections.abc import Iterable, Mapping

import numpy as np

from claims.matching import RankerUnavailable, rerank
from claims.matching.lexical import LEXICAL_FEATURES, LexicalRanker

logger = logging.getLogger(__name__)

SEMANTIC_FEATURES = (
    "cos_text",
    "cos_title",
    "cos_mean",
    "cos_max",
    "cos_vs_best",  # cos_mean minus the best candidate's cos_mean
    "semantic_reciprocal_rank",
)
COMBINED_FEATURES = LEXICAL_FEATURES + SEMANTIC_FEATURES


class CombinedRanker:
    """Union of the lexical and semantic top candidates, re-ranked by a learned logistic model."""

    name = "combined"
    # Without the re-ranker: the former fusion, score = 0.5 x lexical + 0.5 x semantic.
    lexical_weight = 0.5

    def __init__(self, lexical=None, semantic=None, reranker="bundled"):
        from claims.matching.semantic import SemanticRanker

        self.lexical = lexical or LexicalRanker(reranker=None)
        self.semantic = semantic or SemanticRanker()
        self.reranker = rerank.bundled("combined") if reranker == "bundled" else reranker
        # Set on the fixture corpus (docs/matching.md): fused similarity, or the re-ranker's probability.
        self.suggest_threshold, self.confirm_threshold = (0.5, 0.8) if self.reranker is None else (0.3, 0.9)

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

    def candidates(self, text: str) -> tuple[list, np.ndarray]:
        """Return the union of both top ``rerank.POOL`` lists (lexical first) and their features."""
        if not len(self.lexical):
            return [], np.zeros((0, len(COMBINED_FEATURES)))
        query = self.lexical.query(text)
        lexical_top = self.lexical.top_slots(query, rerank.POOL)
        cosines = self.semantic.cosines(text)
        mean = cosines.mean(axis=1)
        semantic_top = self.semantic.top_slots(mean, rerank.POOL)
        keys = list(
            dict.fromkeys(
                [
                    *(self.lexical.key_of(s) for s in lexical_top),
                    *(self.semantic.key_of(s) for s in semantic_top),
                ]
            )
        )
        lexical_slots = np.array([self.lexical.slot_of(key) for key in keys], dtype=np.int64)
        semantic_slots = np.array([self.semantic.slot_of(key) for key in keys], dtype=np.int64)
        # Outside a ranker's top POOL a candidate counts as ranked just below it.
        lexical_rank = {slot: i for i, slot in enumerate(lexical_top.tolist(), start=1)}
        semantic_rank = {slot: i for i, slot in enumerate(semantic_top.tolist(), start=1)}
        ranks = np.array([lexical_rank.get(s, rerank.POOL + 1) for s in lexical_slots.tolist()])
        lexical_features = self.lexical.features(query, lexical_slots, ranks)
        pair = cosines[semantic_slots]
        semantic_features = np.column_stack(
            [
                pair[:, 0],
                pair[:, 1],
                mean[semantic_slots],
                pair.max(axis=1),
                mean[semantic_slots] - mean[semantic_top[0]],
                [1.0 / semantic_rank.get(s, rerank.POOL + 1) for s in semantic_slots.tolist()],
            ]
        )
        return keys, np.hstack([lexical_features, semantic_features])

    def rank(self, text: str, k: int = 10) -> list[tuple[object, float]]:
        """Return up to ``k`` (key, probability of being the same claim) pairs best first."""
        if k <= 0:
            return []
        keys, features = self.candidates(text)
        if not keys:
            return []
        if self.reranker is None:
            lexical = np.minimum(features[:, COMBINED_FEATURES.index("bm25")], 1.0)
            semantic = features[:, COMBINED_FEATURES.index("cos_mean")]
            scores = self.lexical_weight * lexical + (1 - self.lexical_weight) * semantic
        else:
            scores = self.reranker.predict(features, COMBINED_FEATURES)
        return [(keys[i], float(scores[i])) for i in rerank.order(scores)[:k]]


def combined_or_lexical(*, rerank: bool = True):
    """Return a CombinedRanker, or a LexicalRanker with a warning when the semantic extra is missing."""
    reranker = "bundled" if rerank else None
    try:
        return CombinedRanker(reranker=reranker)
    except RankerUnavailable as exc:
        logger.warning("combined matching falls back to the lexical ranker: %s", exc)
        return LexicalRanker(reranker=reranker)
