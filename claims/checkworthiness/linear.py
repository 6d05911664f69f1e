"""The default scorer: a logistic regression over hashed word and character n-grams, applied with numpy.

The model file is a numpy ``.npz`` read with ``allow_pickle=False``, so loading it can never run code.
"""

import itertools
import json
from pathlib import Path

import numpy as np

from claims.checkworthiness.features import BITS, BUCKETS, char_id_pairs, word_ids

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
        # Bucket id -> row in the block's arrays (-1: unknown). A direct lookup is several times faster
        # than a binary search of the sorted ids; 4 MB per block.
        self.slots = {}
        for block, (ids, _idf, _coef) in blocks.items():
            slots = np.full(BUCKETS, -1, dtype=np.int32)
            slots[ids] = np.arange(len(ids), dtype=np.int32)
            self.slots[block] = slots

    @classmethod
    def load(cls, path: str | Path = MODEL_PATH) -> "LinearScorer":
        """Load a model file; raise OSError, KeyError or ValueError if it is missing or malformed."""
        with np.load(path, allow_pickle=False) as data:
            return cls(
                blocks={
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
        """Return the logit of each sentence; all are scored at once, a few numpy calls per block."""
        out = np.full(len(sentences), self.intercept)
        if sentences:
            out += self._block_logits("word", len(sentences), *_pairs([word_ids(s) for s in sentences]))
            out += self._block_logits("char", len(sentences), *char_id_pairs(sentences))
        return out

    def _block_logits(self, block: str, rows_count: int, rows: np.ndarray, ids: np.ndarray) -> np.ndarray:
        """Logit contributions of one block from the (sentence index, bucket id) of every n-gram."""
        known_ids, idf, coef = self.blocks[block]
        if not len(ids) or not len(known_ids):
            return np.zeros(rows_count)
        # One sort counts every (sentence, bucket) pair: keys order by sentence, then bucket id.
        keys, counts = np.unique((rows << BITS) | ids, return_counts=True)
        rows, ids = keys >> BITS, keys & (BUCKETS - 1)
        at = self.slots[block][ids]
        known = at >= 0
        rows, at = rows[known], at[known]
        values = (1.0 + np.log(counts[known])) * idf[at]  # sublinear tf x idf
        # Each block is L2-normalised on its own at training time (as scikit-learn's TfidfVectorizer does).
        norms = np.sqrt(np.bincount(rows, values * values, minlength=rows_count))
        dots = np.bincount(rows, values * coef[at], minlength=rows_count)
        return np.divide(dots, norms, out=np.zeros(rows_count), where=norms > 0)

    def score(self, sentences: list[str]) -> list[float]:
        return (1.0 / (1.0 + np.exp(-self.logits(sentences)))).tolist()


def _pairs(id_lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray]:
    """(list index, id) of every id of ``id_lists``."""
    lengths = np.fromiter(map(len, id_lists), dtype=np.int64, count=len(id_lists))
    total = int(lengths.sum())
    ids = np.fromiter(itertools.chain.from_iterable(id_lists), dtype=np.int64, count=total)
    return np.repeat(np.arange(len(id_lists), dtype=np.int64), lengths), ids
