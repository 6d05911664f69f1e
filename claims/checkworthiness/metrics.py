"""Figures for a binary check-worthiness scorer: positive-class precision/recall/F1 and ranking MAP."""

from dataclasses import dataclass


@dataclass(frozen=True)
class BinaryFigures:
    precision: float
    recall: float
    f1: float
    support: int
    predicted: int


def binary_figures(labels: list[int], scores: list[float], threshold: float) -> BinaryFigures:
    """Return precision, recall and F1 of the positive class when ``score >= threshold`` predicts 1."""
    predicted = [score >= threshold for score in scores]
    true_pos = sum(1 for label, guess in zip(labels, predicted, strict=True) if label and guess)
    n_pred, n_pos = sum(predicted), sum(labels)
    precision = true_pos / n_pred if n_pred else 0.0
    recall = true_pos / n_pos if n_pos else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return BinaryFigures(precision=precision, recall=recall, f1=f1, support=n_pos, predicted=n_pred)


def best_threshold(labels: list[int], scores: list[float]) -> tuple[float, float]:
    """Return (threshold, F1) maximising positive-class F1 over the scores; (0.5, 0) without positives."""
    pairs = sorted(zip(scores, labels, strict=True), reverse=True)
    n_pos = sum(labels)
    best = (0.5, 0.0)
    true_pos = 0
    for rank, (score, label) in enumerate(pairs, start=1):
        true_pos += label
        # Only a cut between two different scores is realisable by a threshold.
        if rank < len(pairs) and pairs[rank][0] == score:
            continue
        f1 = 2 * true_pos / (rank + n_pos) if n_pos else 0.0
        if f1 > best[1]:
            # Halfway to the next lower score, so that a tiny numeric drift does not flip the cut.
            below = pairs[rank][0] if rank < len(pairs) else score
            best = ((score + below) / 2, f1)
    return best


def average_precision(labels: list[int], scores: list[float]) -> float:
    """Return the average precision of ranking by descending score; 0 when there is no positive."""
    ranked = sorted(zip(scores, labels, strict=True), key=lambda pair: -pair[0])
    hits, total = 0, 0.0
    for rank, (_score, label) in enumerate(ranked, start=1):
        if label:
            hits += 1
            total += hits / rank
    return total / hits if hits else 0.0


def mean_average_precision(groups: list[str], labels: list[int], scores: list[float]) -> tuple[float, int]:
    """Return (MAP over the groups that have a positive, number of such groups), as CLEF ranks debates."""
    by_group: dict[str, tuple[list[int], list[float]]] = {}
    for group, label, score in zip(groups, labels, scores, strict=True):
        group_labels, group_scores = by_group.setdefault(group, ([], []))
        group_labels.append(label)
        group_scores.append(score)
    values = [average_precision(ls, ss) for ls, ss in by_group.values() if any(ls)]
    return (sum(values) / len(values) if values else 0.0), len(values)
