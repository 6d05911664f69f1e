"""Train the re-rankers of ``claims/matching/rerank.py`` on CheckThat!-style files (the train split only).

Pairwise logistic regression (RankNet-style, linear): for every judged query, the feature difference of
the gold claim and each other candidate is one example. The linear scorer is then turned
into a probability with Platt scaling on scores from 5-fold cross-validation by query, so that the
thresholds mean "likely the same claim". Needs scikit-learn (the ``train``/``dev`` extra); ranking never
does. Used by ``manage.py train_matching_reranker``.
"""

from dataclasses import dataclass

import numpy as np

from claims.matching import rerank


@dataclass
class Candidates:
    """Every judged query's candidates: feature rows, gold labels and the query (group) of each row."""

    features: np.ndarray
    labels: np.ndarray
    groups: np.ndarray
    relevant: np.ndarray  # gold claims per query (the MAP@k denominator)


def collect(ranker, queries: dict[str, str], qrels: dict[str, set[str]]) -> Candidates:
    """Run ``ranker.candidates`` (base order, no re-ranker) on every judged query."""
    rows, labels, groups, relevant = [], [], [], []
    for query_id, text in queries.items():
        if query_id not in qrels:
            continue
        keys, features = ranker.candidates(text)
        rows.append(features)
        labels.extend(str(key) in qrels[query_id] for key in keys)
        groups.extend([len(relevant)] * len(keys))
        relevant.append(len(qrels[query_id]))
    labels_array = np.asarray(labels, dtype=int)
    return Candidates(np.vstack(rows), labels_array, np.asarray(groups), np.asarray(relevant))


def map_at(k: int, scores: np.ndarray, data: Candidates) -> float:
    """MAP@k (CheckThat! 2020: divided by the gold count) of the candidates ordered by ``scores``."""
    total = 0.0
    for group, relevant in enumerate(data.relevant):
        at = np.flatnonzero(data.groups == group)
        ranked = data.labels[at][rerank.order(scores[at])][:k]
        hits = np.cumsum(ranked)
        total += float(np.sum(ranked * hits / np.arange(1, len(ranked) + 1))) / relevant
    return total / len(data.relevant)


def _pairs(features: np.ndarray, data: Candidates, rows: np.ndarray) -> np.ndarray:
    differences = []
    for group in np.unique(data.groups[rows]):
        at = rows[data.groups[rows] == group]
        gold, other = at[data.labels[at] == 1], at[data.labels[at] == 0]
        for row in gold:
            differences.append(features[row] - features[other])
    return np.vstack(differences) if differences else np.zeros((0, features.shape[1]))


def _fit_direction(
    features: np.ndarray, data: Candidates, rows: np.ndarray, c: float, signs: np.ndarray
) -> np.ndarray:
    """L2-regularised pairwise logistic loss; weights bounded to the sign each feature is allowed.

    The bounds keep the model monotone (more overlap never lowers a score), so it behaves on inputs
    unlike the tweets it was trained on, e.g. one claim compared with another in a small index.
    """
    from scipy.optimize import minimize

    pairs = _pairs(features, data, rows)

    def loss(w):
        margin = pairs @ w
        value = np.logaddexp(0.0, -margin).sum() + 0.5 / c * (w @ w)
        gradient = -(pairs.T @ (1.0 / (1.0 + np.exp(margin)))) + w / c
        return value, gradient

    bounds = [(0.0, None) if sign > 0 else (None, 0.0) if sign < 0 else (None, None) for sign in signs]
    start = np.zeros(features.shape[1])
    return minimize(loss, start, jac=True, method="L-BFGS-B", bounds=bounds).x


def cross_validated_scores(
    features: np.ndarray, data: Candidates, c: float, signs: np.ndarray, folds: int = 5
) -> np.ndarray:
    """Scores of each row from a model trained on the other folds (folds are whole queries)."""
    scores = np.zeros(len(data.labels))
    fold_of = data.groups % folds
    for fold in range(folds):
        held = fold_of == fold
        direction = _fit_direction(features, data, np.flatnonzero(~held), c, signs)
        scores[held] = features[held] @ direction
    return scores


def train(data: Candidates, names: tuple[str, ...], signs, *, cs=(0.001, 0.01, 0.1, 1.0), log=print):
    """Pick C by cross-validated MAP@5, fit on all queries, calibrate; return (model, chosen C, CV MAP@5).

    ``signs`` gives each feature's allowed weight sign (+1, -1, or 0 for either).
    """
    signs = np.asarray(signs)
    from sklearn.linear_model import LogisticRegression

    mean = data.features.mean(axis=0)
    scale = data.features.std(axis=0)
    scale[scale == 0] = 1.0
    features = (data.features - mean) / scale
    results = []
    for c in cs:
        scores = cross_validated_scores(features, data, c, signs)
        results.append((map_at(5, scores, data), -c, scores))
        log(f"C={c}: cross-validated MAP@1 {map_at(1, scores, data):.4f} MAP@5 {results[-1][0]:.4f}")
    best_map, negative_c, scores = max(results, key=lambda r: (r[0], r[1]))
    direction = _fit_direction(features, data, np.arange(len(data.labels)), -negative_c, signs)
    # Platt scaling on held-out scores: p(same claim) = sigmoid(a * score + b).
    platt = LogisticRegression(C=1e6).fit(scores[:, None], data.labels)
    a, b = platt.coef_[0][0], platt.intercept_[0]
    return rerank.LinearModel(names, mean, scale, a * direction, b), -negative_c, best_map
