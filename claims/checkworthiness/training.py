"""Training the linear check-worthiness model from labelled sentences (needs scikit-learn: extra ``train``).

Recipe (see docs/checkworthiness.md): hashed word 1-2-grams and char_wb 2-5-grams, sublinear tf * smooth
idf, each block L2-normalised, then an L2 logistic regression. The threshold is the one that maximises
positive-class F1 on out-of-fold predictions of a stratified k-fold cross-validation on the training set, so
the dev set is never used to choose anything.
"""

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from claims.checkworthiness.dataset import LabelledSentences
from claims.checkworthiness.features import BUCKETS, CHAR_NGRAMS, WORD_NGRAMS, sentence_features
from claims.checkworthiness.linear import BLOCKS
from claims.checkworthiness.metrics import best_threshold

SEED = 20240601
DEFAULT_C = 3.0
MIN_DF = 2
FOLDS = 5


class TrainingUnavailable(RuntimeError):
    """scikit-learn (the ``train`` extra) is not installed."""


def _sklearn():
    try:
        from scipy import sparse
        from sklearn.linear_model import LogisticRegression
        from sklearn.model_selection import StratifiedKFold
    except ImportError as exc:
        raise TrainingUnavailable(
            "training needs scikit-learn: pip install 'factcheck[train]' (or the dev extra)"
        ) from exc
    return sparse, LogisticRegression, StratifiedKFold


@dataclass
class LinearModelArrays:
    """What the shipped .npz holds: per block the kept bucket ids, their idf and coefficients."""

    blocks: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]]
    intercept: float
    threshold: float
    meta: dict = field(default_factory=dict)

    def save(self, path: str | Path) -> None:
        arrays = {}
        for block, (ids, idf, coef) in self.blocks.items():
            arrays[f"{block}_ids"] = ids.astype(np.int32)
            arrays[f"{block}_idf"] = idf.astype(np.float32)
            arrays[f"{block}_coef"] = coef.astype(np.float32)
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with Path(path).open("wb") as handle:
            np.savez_compressed(
                handle,
                intercept=np.float64(self.intercept),
                threshold=np.float64(self.threshold),
                meta=np.array(json.dumps(self.meta, sort_keys=True)),
                **arrays,
            )


class Vectoriser:
    """Turn sentences into the block-wise tf-idf matrix the logistic regression is trained on."""

    def __init__(self, texts: list[str]):
        self.sparse = _sklearn()[0]
        self.raw = self._raw_blocks(texts)
        self.kept = {}
        for block, matrix in self.raw.items():
            df = np.bincount(matrix.indices, minlength=BUCKETS)
            ids = np.flatnonzero(df >= MIN_DF)
            n = matrix.shape[0]
            # scikit-learn's smooth idf, so that the recipe matches TfidfVectorizer(smooth_idf=True).
            self.kept[block] = (ids, np.log((1 + n) / (1 + df[ids])) + 1.0)

    def _raw_blocks(self, texts: list[str]) -> dict:
        columns = {block: ([], [], [0]) for block in BLOCKS}
        for text in texts:
            for block, (ids, tf) in zip(BLOCKS, sentence_features(text), strict=True):
                indices, values, indptr = columns[block]
                indices.append(ids)
                values.append(tf)
                indptr.append(indptr[-1] + len(ids))
        return {
            block: self.sparse.csr_matrix(
                (np.concatenate(values or [[]]), np.concatenate(indices or [[]]).astype(np.int64), indptr),
                shape=(len(texts), BUCKETS),
            )
            for block, (indices, values, indptr) in columns.items()
        }

    def matrix(self, raw: dict | None = None):
        raw = self.raw if raw is None else raw
        parts = []
        for block in BLOCKS:
            ids, idf = self.kept[block]
            part = raw[block][:, ids].multiply(idf).tocsr()
            norms = np.sqrt(np.asarray(part.multiply(part).sum(axis=1)).ravel())
            norms[norms == 0] = 1.0
            parts.append(self.sparse.diags(1.0 / norms) @ part)
        return self.sparse.hstack(parts).tocsr()

    def transform(self, texts: list[str]):
        return self.matrix(self._raw_blocks(texts))


def _fit(matrix, labels: np.ndarray, c: float):
    LogisticRegression = _sklearn()[1]
    return LogisticRegression(C=c, solver="lbfgs", max_iter=5000).fit(matrix, labels)


def out_of_fold_scores(matrix, labels: np.ndarray, *, c: float, folds: int, seed: int) -> np.ndarray:
    """Return each training row's probability from the fold model that did not see it."""
    StratifiedKFold = _sklearn()[2]
    folds = max(2, min(folds, int(labels.sum()), int(len(labels) - labels.sum())))
    scores = np.zeros(len(labels))
    for fit_rows, held_rows in StratifiedKFold(folds, shuffle=True, random_state=seed).split(matrix, labels):
        scores[held_rows] = _fit(matrix[fit_rows], labels[fit_rows], c).predict_proba(matrix[held_rows])[:, 1]
    return scores


def train_linear(
    train: LabelledSentences, *, c: float = DEFAULT_C, folds: int = FOLDS, seed: int = SEED
) -> tuple[LinearModelArrays, dict]:
    """Fit the linear model on ``train``; return its arrays and a report (cv figures, timings)."""
    if len(set(train.labels)) < 2:
        raise ValueError("the training file needs both labels (0 and 1)")
    started = time.monotonic()
    labels = np.asarray(train.labels)
    vectoriser = Vectoriser(train.texts)
    matrix = vectoriser.matrix()
    oof = out_of_fold_scores(matrix, labels, c=c, folds=folds, seed=seed)
    threshold, cv_f1 = best_threshold(labels.tolist(), oof.tolist())
    model = _fit(matrix, labels, c)
    coef = model.coef_.ravel()
    blocks, offset = {}, 0
    for block in BLOCKS:
        ids, idf = vectoriser.kept[block]
        blocks[block] = (ids, idf, coef[offset : offset + len(ids)])
        offset += len(ids)
    report = {
        "model": "linear",
        "train_rows": len(labels),
        "train_positives": int(labels.sum()),
        "features": {block: int(len(vectoriser.kept[block][0])) for block in BLOCKS},
        "recipe": {
            "word_ngrams": list(WORD_NGRAMS),
            "char_ngrams": list(CHAR_NGRAMS),
            "min_df": MIN_DF,
            "C": c,
            "folds": folds,
            "seed": seed,
        },
        "threshold": round(float(threshold), 6),
        "cv_f1": round(float(cv_f1), 4),
        "train_seconds": round(time.monotonic() - started, 1),
    }
    arrays = LinearModelArrays(
        blocks=blocks, intercept=float(model.intercept_[0]), threshold=float(threshold), meta=report
    )
    return arrays, report
