"""Check-worthiness scoring: sentence -> probability (0..1) that it is a check-worthy factual claim.

Interface used by detection (and anything else):

    scorer = get_scorer()            # loaded once per process
    scorer.threshold                 # float: scores >= threshold are claim candidates
    scorer.score(["s1", "s2"])       # list[float], one per sentence, each in [0, 1]
    scorer.name                      # str, e.g. "placeholder", "linear", "semantic"

The placeholder below is a stand-in until the trained model lands (it keeps the same interface).
"""

import re
from functools import lru_cache
from typing import Protocol


class Scorer(Protocol):
    name: str
    threshold: float

    def score(self, sentences: list[str]) -> list[float]: ...


_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|million|billion|quarter|half|percent)\b",
    re.I,
)
_ATTRIBUTION = re.compile(
    r"\b(said|says|told|announced|reported|denied|accused|according to|claimed)\b", re.I
)


class PlaceholderScorer:
    """A transparent heuristic: numbers and attributions raise the score."""

    name = "placeholder"
    threshold = 0.5

    def score(self, sentences: list[str]) -> list[float]:
        scores = []
        for sentence in sentences:
            value = 0.2
            if _NUMBER.search(sentence):
                value += 0.4
            if _ATTRIBUTION.search(sentence):
                value += 0.2
            scores.append(min(value, 1.0))
        return scores


@lru_cache(maxsize=1)
def get_scorer() -> Scorer:
    return PlaceholderScorer()
