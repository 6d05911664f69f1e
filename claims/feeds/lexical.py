"""A tiny lexical ranker over claims, standing in for ``claims.matching`` until it lands (then delete).

Same interface as the matching rankers: ``index(items)``, ``add(key, text)``, ``remove(key)``,
``rank(text, k) -> [(key, score)]``, ``suggest_threshold``, ``confirm_threshold``. Built without items it
indexes the claims feeds match against, read from the database at construction (so it cannot drift).
Score: cosine similarity of the two sets of content words (0..1); plural "s" folded.
"""

import math
import re

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "for",
        "from",
        "had",
        "has",
        "have",
        "he",
        "her",
        "his",
        "i",
        "in",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "she",
        "that",
        "the",
        "their",
        "them",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "which",
        "who",
        "will",
        "with",
        "would",
        "you",
        "said",
        "says",
        "not",
        "than",
        "then",
        "there",
        "these",
        "those",
        "into",
        "over",
        "about",
        "after",
        "before",
        "more",
        "most",
        "also",
        "just",
        "only",
        "very",
        "can",
        "could",
    ]
)


def content_words(text: str) -> set[str]:
    """Lower-cased words of ``text`` without stop words, with a trailing plural "s" removed."""
    words = set()
    for word in _WORD.findall(text.lower()):
        if word in _STOP or (len(word) < 3 and not word.isdigit()):
            continue
        if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
            word = word[:-1]
        words.add(word)
    return words


class LexicalRanker:
    suggest_threshold = 0.35
    confirm_threshold = 0.7

    def __init__(self, items=None):
        self._words: dict = {}
        if items is None:
            from claims.feeds.matching import candidate_claims

            items = ((claim.pk, claim_text(claim)) for claim in candidate_claims())
        self.index(items)

    def index(self, items) -> None:
        self._words = {key: content_words(text) for key, text in items}

    def add(self, key, text: str) -> None:
        self._words[key] = content_words(text)

    def remove(self, key) -> None:
        self._words.pop(key, None)

    def rank(self, text: str, k: int = 10) -> list[tuple]:
        query = content_words(text)
        if not query:
            return []
        scored = []
        for key, words in self._words.items():
            shared = len(query & words)
            if shared:
                scored.append((key, shared / math.sqrt(len(query) * len(words))))
        scored.sort(key=lambda pair: (-pair[1], str(pair[0])))
        return scored[:k]


def claim_text(claim) -> str:
    return f"{claim.text} {claim.restatement}".strip()
