"""The default scorer: a logistic regression over hashed word and character n-grams, applied with numpy.

The model file is a numpy ``.npz`` read with ``allow_pickle=False``, so loading it can never run code.
"""

import json
from pathlib import Path

import numpy as np

from claims.checkworthiness.features import sentence_features

MODEL_PATH = Path(__file__).with_name("linear.npz")
BLOCKS = ("word", "char")


class LinearScorer:
    """Score sentences with a linear model over hashed n-grams (``load()`` reads the shipped file)."""

    name = "linear"

    def __init__(self, *, blocks: dict, intercept: float, threshold: float, meta: dict | None = None):
        self.blocks = blocks
        self.intercept = intercept
        self.threshold = threshold
        self.meta = meta or {}

    @classmethod
    def load(cls, path: str | Path = MODEL_PATH) -> "LinearScorer":
        """Load a model file; raise OSError, KeyError or ValueError if it is missing or malformed."""
        with np.load(path, allow_pickle=False) as data:
            return cls(
                blocks={
                    # int64 like the query ids: a dtype mismatch makes searchsorted copy the array per call.
                    block: (
                        data[f"{block}_ids"].astype(np.int64),
                        data[f"{block}_idf"],
                        data[f"{block}_coef"],
                    )
                    for block in BLOCKS
                },
                intercept=float(data["intercept"]),
                threshold=float(data["threshold"]),
                meta=json.loads(str(data["meta"])),
            )

    @classmethod
    def from_arrays(cls, arrays) -> "LinearScorer":
        """Build a scorer from freshly trained arrays, with the same float32 rounding as the saved file."""
        blocks = {
            block: (ids.astype(np.int64), idf.astype(np.float32), coef.astype(np.float32))
            for block, (ids, idf, coef) in arrays.blocks.items()
        }
        return cls(blocks=blocks, intercept=arrays.intercept, threshold=arrays.threshold, meta=arrays.meta)

    def logits(self, sentences: list[str]) -> np.ndarray:
        out = np.full(len(sentences), self.intercept)
        for row, sentence in enumerate(sentences):
            for block, (ids, tf) in zip(BLOCKS, sentence_features(sentence), strict=True):
                out[row] += self._block_logit(block, ids, tf)
        return out

    def _block_logit(self, block: str, ids: np.ndarray, tf: np.ndarray) -> float:
        known_ids, idf, coef = self.blocks[block]
        if not len(ids) or not len(known_ids):
            return 0.0
        at = np.minimum(np.searchsorted(known_ids, ids), len(known_ids) - 1)
        known = known_ids[at] == ids
        values = tf[known] * idf[at[known]]
        norm = float(np.sqrt(values @ values))
        # Each block is L2-normalised on its own at training time (as scikit-learn's TfidfVectorizer does).
        return float(values @ coef[at[known]]) / norm if norm else 0.0

    def score(self, sentences: list[str]) -> list[float]:
        return (1.0 / (1.0 + np.exp(-self.logits(sentences)))).tolist()
