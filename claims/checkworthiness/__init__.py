"""Check-worthiness scoring: sentence -> probability (0..1) that it is a check-worthy factual claim.

Interface used by detection (and anything else):

    scorer = get_scorer()            # loaded once per process (the model named by CHECKWORTHINESS_MODEL)
    scorer.threshold                 # float: scores >= threshold are claim candidates
    scorer.score(["s1", "s2"])       # list[float], one per sentence, each in [0, 1]
    scorer.name                      # str: "transformer" (default), "linear", "semantic", "placeholder"

Models (docs/checkworthiness.md is the model card):
- ``linear``: hashed word/char n-gram logistic regression, numpy only, shipped as ``linear.npz``.
- ``transformer``: all-MiniLM-L6-v2 fine-tuned on the train sets, run as int8 ONNX with onnxruntime
  (base dependencies), shipped as ``transformer.onnx``.
- ``semantic``: frozen all-MiniLM-L6-v2 sentence embeddings plus a small trained head (``semantic.npz``);
  needs the ``semantic`` extra. When the extra is missing, ``get_scorer`` logs a warning and falls back
  to ``linear``.
"""

import logging
import re
from functools import lru_cache
from typing import Protocol

from django.conf import settings

logger = logging.getLogger(__name__)

MODELS = ("linear", "semantic", "transformer", "placeholder")


class Scorer(Protocol):
    name: str
    threshold: float

    def score(self, sentences: list[str]) -> list[float]: ...


class ModelUnavailable(RuntimeError):
    """The named model cannot load here (its extra is missing); the message says what to install."""


_NUMBER = re.compile(
    r"\d|\b(one|two|three|four|five|six|seven|eight|nine|ten|dozen|hundred|thousand|million|billion|quarter|half|percent)\b",
    re.I,
)
_ATTRIBUTION = re.compile(
    r"\b(said|says|told|announced|reported|denied|accused|according to|claimed)\b", re.I
)


class PlaceholderScorer:
    """A transparent heuristic kept as a baseline for comparison: numbers and attributions raise the score."""

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


@lru_cache(maxsize=len(MODELS))
def load_scorer(name: str) -> Scorer:
    """Return the named model, loaded once per process; ModelUnavailable/ValueError if it cannot be."""
    if name == "linear":
        from claims.checkworthiness.linear import LinearScorer

        return LinearScorer.load()
    if name == "transformer":
        from claims.checkworthiness.transformer import TransformerScorer

        return TransformerScorer.load()
    if name == "semantic":
        from claims.checkworthiness.semantic import SemanticScorer

        return SemanticScorer.load()
    if name == "placeholder":
        return PlaceholderScorer()
    raise ValueError(f"unknown check-worthiness model {name!r}; choose one of {', '.join(MODELS)}")


@lru_cache(maxsize=1)
def get_scorer() -> Scorer:
    """Return the configured scorer, falling back to ``linear`` (with a warning) if its extra is missing."""
    name = getattr(settings, "CHECKWORTHINESS_MODEL", "transformer")
    try:
        return load_scorer(name)
    except ModelUnavailable as exc:
        logger.warning("check-worthiness model %r unavailable (%s); using the linear model", name, exc)
        return load_scorer("linear")
