"""BM25 over an in-memory inverted index of claims, tuned for short claims matched against tweets or claims.

Two fields (claim text, title), unigram and bigram terms, tweet tails turned into author and date terms,
and scores divided by the query's self-score so that one threshold works for every query. Needs numpy
only. Keys are whatever the caller uses (claim ids); text is a string or a mapping with "text" and an
optional "title".
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from claims.matching import text as textlib

TEXT, TITLE = 0, 1


@dataclass(frozen=True)
class LexicalParams:
    """Weights tuned on the CheckThat! 2020 train queries (docs/matching.md); dev was never used to tune."""

    k1: float = 1.0
    b_text: float = 0.6
    b_title: float = 0.6
    title_weight: float = 1.0
    bigram_weight: float = 0.21
    author_weight: float = 0.8
    month_year_weight: float = 1.0
    year_weight: float = 0.3


def split_fields(value: str | Mapping[str, str]) -> tuple[str, str]:
    """Return (text, title) from a string or a mapping with "text" and optional "title"; raise TypeError."""
    if isinstance(value, str):
        return value, ""
    if isinstance(value, Mapping):
        return value.get("text") or "", value.get("title") or ""
    raise TypeError(f"a claim to index must be a string or a mapping with 'text', got {type(value).__name__}")


def document_terms(value: str | Mapping[str, str]) -> tuple[Counter, Counter]:
    """Return the term counts of a stored claim's (text, title) fields."""
    text, title = split_fields(value)
    return Counter(textlib.analyse(text)), Counter(textlib.analyse(title))


def query_terms(query: str, params: LexicalParams) -> tuple[dict[str, float], int]:
    """Return {term: weight} for a query (claim or tweet) and its length in unigrams."""
    tweet = textlib.split_tweet(query)
    unigrams = textlib.words(textlib.clean(tweet.body))
    weights = dict.fromkeys(unigrams, 1.0)
    for pair in textlib.bigrams(unigrams):
        weights.setdefault(pair, params.bigram_weight)
    # The tail names who said it and when; Snopes-style claims often say "In August 2019, X said ...".
    extra = {term: params.author_weight for term in textlib.words(tweet.author)}
    if tweet.year:
        extra[f"{textlib.stem(tweet.month)}_{tweet.year}"] = params.month_year_weight
        extra[tweet.year] = params.year_weight
    for term, weight in extra.items():
        if weight > weights.get(term, 0.0):
            weights[term] = weight
    return weights, len(unigrams)


class LexicalRanker:
    """BM25F-style ranker; ``rank`` returns (key, score) best first, score 1.0 meaning "same words"."""

    name = "lexical"
    suggest_threshold = 0.35
    confirm_threshold = 0.7

    def __init__(self, params: LexicalParams | None = None):
        self.params = params or LexicalParams()
        self._reset()

    def _reset(self) -> None:
        self._vocab: dict[str, int] = {}
        self._df: list[int] = []
        # Postings per (field, term id) as Python lists (cheap appends), compiled to arrays on demand.
        self._postings: dict[tuple[int, int], tuple[list[int], list[int]]] = {}
        self._compiled: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._slot_of: dict = {}
        self._keys: list = []
        self._terms: list[tuple[Counter, Counter] | None] = []
        self._lengths = np.zeros((1024, 2), dtype=np.float32)
        self._total_length = [0, 0]

    def __len__(self) -> int:
        return len(self._slot_of)

    def __contains__(self, key) -> bool:
        return key in self._slot_of

    def index(self, items: Iterable[tuple[object, str | Mapping[str, str]]]) -> None:
        """Replace the whole index with ``items`` ((key, text) pairs; a repeated key keeps the last)."""
        self._reset()
        for key, value in items:
            self.add(key, value)

    def add(self, key, value: str | Mapping[str, str]) -> None:
        """Index one claim under ``key``, replacing what was indexed under that key before."""
        if key in self._slot_of:
            self.remove(key)
        self._add_terms(key, document_terms(value))

    def remove(self, key) -> None:
        """Drop ``key`` from the index; removing a key that is not indexed does nothing."""
        slot = self._slot_of.pop(key, None)
        if slot is None:
            return
        fields = self._terms[slot]
        self._terms[slot] = None
        for tid in self._term_ids(fields, create=False):
            self._df[tid] -= 1
        for field, counts in enumerate(fields):
            self._total_length[field] -= int(self._lengths[slot, field])
            for term in counts:
                slots, tfs = self._postings[(field, self._vocab[term])]
                at = slots.index(slot)
                del slots[at], tfs[at]
                self._compiled.pop((field, self._vocab[term]), None)
        # Slots are never reused, so a long run of replacements is compacted once most slots are dead.
        if len(self._keys) > 1024 and len(self._slot_of) < len(self._keys) // 2:
            self._compact()

    def _compact(self) -> None:
        live = [(key, self._terms[slot]) for key, slot in self._slot_of.items()]
        self._reset()
        # Re-adding analysed terms skips the text analysis, the slow part of add().
        for key, fields in live:
            self._add_terms(key, fields)

    def _add_terms(self, key, fields: tuple[Counter, Counter]) -> None:
        slot = len(self._keys)
        self._keys.append(key)
        self._terms.append(fields)
        self._slot_of[key] = slot
        if slot >= len(self._lengths):
            self._lengths = np.concatenate([self._lengths, np.zeros_like(self._lengths)])
        for field, counts in enumerate(fields):
            length = sum(n for term, n in counts.items() if "_" not in term)
            self._lengths[slot, field] = length
            self._total_length[field] += length
        for tid in self._term_ids(fields, create=True):
            self._df[tid] += 1
        for field, counts in enumerate(fields):
            for term, n in counts.items():
                posting = self._postings.setdefault((field, self._vocab[term]), ([], []))
                posting[0].append(slot)
                posting[1].append(n)
                self._compiled.pop((field, self._vocab[term]), None)

    def _term_ids(self, fields: tuple[Counter, Counter], *, create: bool) -> set[int]:
        ids = set()
        for counts in fields:
            for term in counts:
                tid = self._vocab.get(term)
                if tid is None and create:
                    tid = self._vocab[term] = len(self._df)
                    self._df.append(0)
                if tid is not None:
                    ids.add(tid)
        return ids

    def _posting(self, field: int, tid: int) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
        compiled = self._compiled.get((field, tid))
        if compiled is None:
            raw = self._postings.get((field, tid))
            if not raw or not raw[0]:
                return None
            slots = np.asarray(raw[0], dtype=np.int64)
            # A slot's field lengths never change, so they are copied next to the term frequencies once.
            compiled = self._compiled[(field, tid)] = (
                slots,
                np.asarray(raw[1], dtype=np.float32),
                self._lengths[slots, field],
            )
        return compiled

    def _idf(self, df: int) -> float:
        n = len(self._slot_of)
        return math.log(1.0 + (n - df + 0.5) / (df + 0.5))

    def _saturate(self, tf, length, field: int):
        p = self.params
        b = p.b_text if field == TEXT else p.b_title
        average = max(self._total_length[field] / max(len(self._slot_of), 1), 1.0)
        return tf * (p.k1 + 1.0) / (tf + p.k1 * (1.0 - b + b * length / average))

    def raw_scores(self, weights: dict[str, float]) -> np.ndarray:
        """Return the BM25 score of every slot for weighted query terms (dead slots score 0)."""
        field_weights = (1.0, self.params.title_weight)
        scores = np.zeros(len(self._keys), dtype=np.float32)
        for term, weight in weights.items():
            tid = self._vocab.get(term)
            if tid is None or self._df[tid] == 0:
                continue
            idf = self._idf(self._df[tid])
            for field in (TEXT, TITLE):
                posting = self._posting(field, tid)
                if posting is None:
                    continue
                slots, tfs, lengths = posting
                scores[slots] += (weight * idf * field_weights[field]) * self._saturate(tfs, lengths, field)
        return scores

    def self_score(self, weights: dict[str, float], length: int) -> float:
        """Score the query would get against itself as a stored claim text (the best a match can do)."""
        total = 0.0
        for term, weight in weights.items():
            tid = self._vocab.get(term)
            idf = self._idf(self._df[tid] if tid is not None else 0)
            total += weight * idf * self._saturate(1.0, length, TEXT)
        return total

    def rank(self, text: str, k: int = 10) -> list[tuple[object, float]]:
        """Return up to ``k`` (key, score) pairs best first: BM25 divided by the query's self-score."""
        if not self._slot_of or k <= 0:
            return []
        weights, length = query_terms(text, self.params)
        scores = self.raw_scores(weights)
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        # Ties go to the claim indexed first (the original over a later copy of it): sort by slot,
        # then stably by score.
        candidates = np.sort(candidates)
        candidates = candidates[np.argsort(-scores[candidates], kind="stable")]
        norm = self.self_score(weights, length) or 1.0
        return [(self._keys[slot], min(float(scores[slot]) / norm, 1.0)) for slot in candidates]

    def score_keys(self, text: str, keys: list) -> list[float]:
        """Return the normalised score of ``text`` against each indexed key (unknown keys get 0)."""
        weights, length = query_terms(text, self.params)
        scores = self.raw_scores(weights)
        norm = self.self_score(weights, length) or 1.0
        return [
            min(float(scores[self._slot_of[key]]) / norm, 1.0) if key in self._slot_of else 0.0
            for key in keys
        ]
