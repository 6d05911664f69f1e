"""BM25 over an in-memory inverted index of claims, tuned for short claims matched against tweets or claims.

Two fields (claim text, title), unigram and bigram terms, tweet tails turned into author and date terms,
and scores divided by the query's self-score so that one threshold works for every query. By default the
BM25 top 50 are re-ordered by the learned re-ranker (rerank.py) over features computed here, among them
similarities of static word-piece vectors (static.py). Needs numpy and rapidfuzz only. Keys are whatever
the caller uses (claim ids); text is a string or a mapping with "text" and an optional "title".
"""

import math
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz

from claims.matching import rerank, static
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


def static_pieces(
    model: static.StaticVectors, value: str | Mapping[str, str]
) -> tuple[np.ndarray, np.ndarray]:
    """Word-piece ids of a stored claim's text and title (the text again without a title)."""
    text, title = split_fields(value)
    text_ids = np.asarray(model.ids(text), dtype=np.int32)
    return text_ids, np.asarray(model.ids(title), dtype=np.int32) if title else text_ids


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

    def __init__(
        self, params: LexicalParams | None = None, reranker: rerank.LinearModel | str | None = "bundled"
    ):
        self.params = params or LexicalParams()
        self.static = static.bundled()
        # "bundled": the model trained on the CheckThat! train split; None: plain BM25 order and score.
        self.reranker = rerank.bundled("lexical") if reranker == "bundled" else reranker
        # Set on the fixture corpus (docs/matching.md): plain BM25 share, or the re-ranker's probability.
        self.suggest_threshold, self.confirm_threshold = (0.35, 0.7) if self.reranker is None else (0.3, 0.9)
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
        # Word pieces of each slot (text, title) for the static-vector features, and their claim counts.
        self._pieces: list[tuple[np.ndarray, np.ndarray] | None] = []
        self._piece_df = np.zeros(len(self.static.vocab), dtype=np.int64)

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
        self._add_terms(key, document_terms(value), static_pieces(self.static, value))

    def remove(self, key) -> None:
        """Drop ``key`` from the index; removing a key that is not indexed does nothing."""
        slot = self._slot_of.pop(key, None)
        if slot is None:
            return
        fields = self._terms[slot]
        self._terms[slot] = None
        self._piece_df[np.unique(np.concatenate(self._pieces[slot]))] -= 1
        self._pieces[slot] = None
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
        live = [(key, self._terms[slot], self._pieces[slot]) for key, slot in self._slot_of.items()]
        self._reset()
        # Re-adding analysed terms skips the text analysis, the slow part of add().
        for key, fields, pieces in live:
            self._add_terms(key, fields, pieces)

    def _add_terms(self, key, fields: tuple[Counter, Counter], pieces: tuple[np.ndarray, np.ndarray]) -> None:
        slot = len(self._keys)
        self._keys.append(key)
        self._terms.append(fields)
        self._pieces.append(pieces)
        self._piece_df[np.unique(np.concatenate(pieces))] += 1
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

    def field_scores(self, weights: dict[str, float]) -> tuple[np.ndarray, np.ndarray]:
        """Return the BM25 scores of every slot's text and title fields (dead slots score 0)."""
        scores = (np.zeros(len(self._keys), dtype=np.float32), np.zeros(len(self._keys), dtype=np.float32))
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
                scores[field][slots] += (weight * idf) * self._saturate(tfs, lengths, field)
        return scores

    def raw_scores(self, weights: dict[str, float]) -> np.ndarray:
        """Return the BM25 score of every slot for weighted query terms (dead slots score 0)."""
        text, title = self.field_scores(weights)
        return text + self.params.title_weight * title

    def self_score(self, weights: dict[str, float], length: int) -> float:
        """Score the query would get against itself as a stored claim text (the best a match can do)."""
        total = 0.0
        for term, weight in weights.items():
            tid = self._vocab.get(term)
            idf = self._idf(self._df[tid] if tid is not None else 0)
            total += weight * idf * self._saturate(1.0, length, TEXT)
        return total

    def query(self, text: str) -> "QueryScores":
        """Analyse ``text`` and score every slot against it (the part of ``rank`` that scans the index)."""
        weights, length = query_terms(text, self.params)
        text_scores, title_scores = self.field_scores(weights)
        norm = self.self_score(weights, length) or 1.0
        scores = text_scores + self.params.title_weight * title_scores
        tweet = textlib.split_tweet(text)
        body = textlib.clean(tweet.body)
        unigrams = textlib.words(body)
        names = set(textlib.words(" ".join(_NAME.findall(body))))
        # The same text the semantic ranker embeds: the tweet body, then the author's name.
        pieces = self.static.ids(f"{body} {tweet.author}")
        return QueryScores(
            weights, unigrams, norm, scores, text_scores, title_scores, names, tweet.year, pieces
        )

    def top_slots(self, query: "QueryScores", k: int) -> np.ndarray:
        """The ``k`` best-scoring live slots (score > 0), best first, ties to the slot indexed first."""
        scores = query.scores
        candidates = np.flatnonzero(scores > 0)
        if len(candidates) > k:
            candidates = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        # Ties go to the claim indexed first (the original over a later copy of it): sort by slot,
        # then stably by score.
        candidates = np.sort(candidates)
        return candidates[np.argsort(-scores[candidates], kind="stable")]

    def features(self, query: "QueryScores", slots: np.ndarray, ranks: np.ndarray) -> np.ndarray:
        """Return the LEXICAL_FEATURES of each slot (rows) for the re-ranker; ``ranks`` are 1-based."""
        rows = np.zeros((len(slots), len(LEXICAL_FEATURES)), dtype=np.float64)
        if not len(slots):
            return rows
        norm = query.norm
        best = max(float(query.scores[slots].max()), 1e-9)
        query_set = set(query.unigrams)
        query_string = " ".join(sorted(query_set))
        idf_cache: dict[str, float] = {}

        def idf_of(term: str) -> float:
            # Claims of one query share most of their words: each IDF is computed once per query.
            value = idf_cache.get(term)
            if value is None:
                value = idf_cache[term] = self._term_idf(term)
            return value

        query_mass = sum(idf_of(t) for t in query_set) or 1.0
        segments = [ids for slot in slots for ids in self._pieces[slot]]
        static_cosines, soft = static.segment_features(self.static, query.pieces, segments, self._piece_idf)
        for row, slot in enumerate(slots):
            text_terms, title_terms = ([t for t in counts if "_" not in t] for counts in self._terms[slot])
            covered_text = _covered(text_terms, query_set, idf_of)
            covered_title = _covered(title_terms, query_set, idf_of) if title_terms else covered_text
            found = query_set.intersection(text_terms).union(query_set.intersection(title_terms))
            claim_set = set(text_terms).union(title_terms)
            bigram_terms = [t for t in self._terms[slot][TEXT] if "_" in t]
            years = {t for t in claim_set if _YEAR.fullmatch(t)}
            rows[row] = (
                query.scores[slot] / norm,
                query.text_scores[slot] / norm,
                query.title_scores[slot] / norm,
                query.scores[slot] / best,
                1.0 / ranks[row],
                covered_text,
                covered_title,
                sum(idf_of(t) for t in found) / query_mass,
                fuzz.token_set_ratio(query_string, " ".join(sorted(set(text_terms)))) / 100.0,
                math.log1p(len(text_terms)),
                sum(t in query.weights for t in bigram_terms) / len(bigram_terms) if bigram_terms else 0.0,
                len(query.names & claim_set) / len(query.names) if query.names else 0.0,
                _share(query_set, claim_set, str.isdigit),
                float(bool(query.year and years and query.year not in years)),
                static_cosines[2 * row],
                static_cosines[2 * row + 1],
                (static_cosines[2 * row] + static_cosines[2 * row + 1]) / 2,
                soft[2 * row],
                soft[2 * row + 1],
            )
        return rows

    def candidates(self, text: str) -> tuple[list, np.ndarray]:
        """Return the keys the re-ranker sees for ``text`` (BM25 top ``rerank.POOL``) and their features."""
        query = self.query(text)
        slots = self.top_slots(query, rerank.POOL)
        return [self._keys[s] for s in slots], self.features(query, slots, np.arange(1, len(slots) + 1))

    def slot_of(self, key) -> int | None:
        return self._slot_of.get(key)

    def key_of(self, slot: int):
        return self._keys[slot]

    def _piece_idf(self, ids: np.ndarray) -> np.ndarray:
        """BM25 IDF of word pieces (static.py) over the claims indexed now."""
        df = self._piece_df[ids]
        return np.log1p((len(self._slot_of) - df + 0.5) / (df + 0.5))

    def _term_idf(self, term: str) -> float:
        tid = self._vocab.get(term)
        return self._idf(self._df[tid] if tid is not None else 0)

    def rank(self, text: str, k: int = 10) -> list[tuple[object, float]]:
        """Return up to ``k`` (key, score) pairs best first.

        Without a re-ranker the score is BM25 divided by the query's self-score (capped at 1); with one
        (the default), the BM25 top ``rerank.POOL`` are re-ordered by the learned model and the score is
        its probability that the claim is the same claim.
        """
        if not self._slot_of or k <= 0:
            return []
        query = self.query(text)
        if self.reranker is None:
            slots = self.top_slots(query, k)
            return [(self._keys[s], min(float(query.scores[s]) / query.norm, 1.0)) for s in slots]
        slots = self.top_slots(query, max(k, rerank.POOL))
        features = self.features(query, slots, np.arange(1, len(slots) + 1))
        probabilities = self.reranker.predict(features, LEXICAL_FEATURES)
        best = rerank.order(probabilities)[:k]
        return [(self._keys[slots[i]], float(probabilities[i])) for i in best]

    def score_keys(self, text: str, keys: list) -> list[float]:
        """Return the normalised BM25 score of ``text`` against each indexed key (unknown keys get 0)."""
        query = self.query(text)
        return [
            min(float(query.scores[self._slot_of[key]]) / query.norm, 1.0) if key in self._slot_of else 0.0
            for key in keys
        ]


@dataclass(frozen=True)
class QueryScores:
    """One analysed query and its BM25 score against every slot (whole, text field, title field)."""

    weights: dict[str, float]
    unigrams: list[str]
    norm: float
    scores: np.ndarray
    text_scores: np.ndarray
    title_scores: np.ndarray
    names: set[str]  # stemmed capitalised words of the query (names, places)
    year: str  # year of the tweet tail, "" without one
    pieces: list[int]  # word-piece ids for the static vectors (static.py)


LEXICAL_FEATURES = (
    "bm25",  # BM25 / the query's self-score
    "bm25_text",
    "bm25_title",
    "bm25_vs_best",  # share of the best candidate's BM25
    "reciprocal_rank",
    "text_covered",  # IDF share of the claim text's words that the query holds
    "title_covered",
    "query_covered",  # IDF share of the query's words found in the claim text or title
    "fuzz_text",  # rapidfuzz token_set_ratio of the stemmed word sets
    "log_text_length",
    "bigrams_covered",  # share of the claim text's bigrams in the query
    "names_found",  # share of the query's capitalised words found in the claim
    "numbers_found",
    "other_year",  # the claim names years, none of them the tweet's year
    "static_text",  # cosine of the static-vector means (static.py) of the query and the claim text
    "static_title",
    "static_mean",
    "soft_text",  # IDF-weighted best static cosine of each claim-text piece with a query piece
    "soft_title",
)

# Allowed sign of each feature's weight when training (rerank: +1 by default): the model stays monotone in
# every overlap measure, so more shared words never lower a score.
FEATURE_SIGNS = {"log_text_length": 0, "other_year": -1}

_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-zA-Z]+")
_YEAR = re.compile(r"(19|20)\d\d")


def _share(query_set: set[str], claim_set: set[str], keep) -> float:
    wanted = [t for t in query_set if keep(t)]
    return sum(t in claim_set for t in wanted) / len(wanted) if wanted else 0.0


def _covered(terms: list[str], query_set: set[str], idf_of) -> float:
    total = sum(idf_of(t) for t in terms)
    return sum(idf_of(t) for t in terms if t in query_set) / total if total else 0.0
