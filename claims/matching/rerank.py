"""Learned re-ranking of a ranker's top candidates: a logistic model over a few features per candidate.

The weights are small JSON files next to this module, written by ``manage.py train_matching_reranker``
from the CheckThat! 2020 train split (docs/matching.md). Inference is numpy only; scikit-learn is needed
to train, never to rank. The model's output, the probability that a candidate is the same claim as the
query, is the score the rankers return.
"""

import json
from functools import lru_cache
from pathlib import Path

import numpy as np

WEIGHTS_DIR = Path(__file__).resolve().parent / "weights"

# Candidates re-ranked per query: the gold claim is in the lexical top 50 for 98% of the train tweets.
POOL = 50


class LinearModel:
    """p = sigmoid(((x - mean) / scale) . coef + intercept) over named features."""

    def __init__(self, features, mean, scale, coef, intercept):
        self.features = tuple(features)
        self.mean = np.asarray(mean, dtype=np.float64)
        self.scale = np.asarray(scale, dtype=np.float64)
        self.coef = np.asarray(coef, dtype=np.float64)
        self.intercept = float(intercept)
        if not (len(self.features) == len(self.mean) == len(self.scale) == len(self.coef)):
            raise ValueError("re-ranker weights: features, mean, scale and coef differ in length")

    @classmethod
    def load(cls, path: str | Path) -> "LinearModel":
        """Read weights written by ``save``; raise ValueError on a file of another shape."""
        data = json.loads(Path(path).read_text(encoding="utf-8"))
        return cls(data["features"], data["mean"], data["scale"], data["coef"], data["intercept"])

    def save(self, path: str | Path, **about) -> None:
        data = {
            **about,
            "features": list(self.features),
            "mean": [round(float(v), 6) for v in self.mean],
            "scale": [round(float(v), 6) for v in self.scale],
            "coef": [round(float(v), 6) for v in self.coef],
            "intercept": round(self.intercept, 6),
        }
        Path(path).write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")

    def predict(self, features: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
        """Return the probability of each row of ``features``, whose columns are named by ``names``.

        The model may use a subset of the columns; a feature it needs that ``names`` lacks raises
        ValueError.
        """
        columns = [names.index(name) for name in self.features]
        z = ((features[:, columns] - self.mean) / self.scale) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-z))


@lru_cache(maxsize=4)
def bundled(name: str) -> LinearModel:
    """The trained model shipped for ranker ``name`` ("lexical" or "combined")."""
    return LinearModel.load(WEIGHTS_DIR / f"rerank_{name}.json")


def order(probabilities: np.ndarray) -> np.ndarray:
    """Indices best first; equal probabilities keep the incoming order (the base ranker's tie-break)."""
    return np.argsort(-probabilities, kind="stable")
