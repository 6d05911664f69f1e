"""Retrieval evaluation on CheckThat!-style TSV files: verified claims, queries, and gold pairs (qrels).

Metrics follow the CheckThat! 2020 Task 2 scorer (trec_eval as wrapped by trectools): for one query with R
relevant claims, AP@k = (sum of precision@i over the ranks i <= k that hold a relevant claim) / R, and
MAP@k is its mean over the queries. So MAP@1 of a query with two relevant claims is at most 0.5.
Recall@k = relevant claims in the top k / R. MRR = mean of 1 / rank of the first relevant claim within
the ranked depth (0 when none). Queries with no gold pair are not scored; a query the ranker returns
nothing for scores 0.
"""

import csv
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


class EvaluationInputError(ValueError):
    """An input file is missing, unreadable or not in the expected TSV shape."""


def read_tsv(path: str | Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    """Read a UTF-8 TSV with a header holding ``columns``; raise EvaluationInputError naming the problem."""
    path = Path(path)
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)
            header = reader.fieldnames or []
            missing = [c for c in columns if c not in header]
            if missing:
                raise EvaluationInputError(
                    f"{path}: missing column(s) {', '.join(missing)} in the header "
                    f"(found {', '.join(header) or 'no header'}); expected {', '.join(columns)}"
                )
            rows = []
            for line, row in enumerate(reader, start=2):
                if any(row.get(c) is None for c in columns):
                    raise EvaluationInputError(f"{path}, line {line}: fewer columns than the header")
                rows.append({c: row[c] for c in columns})
    except FileNotFoundError:
        raise EvaluationInputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvaluationInputError(f"{path}: cannot be read as UTF-8 text ({exc})") from None
    if not rows:
        raise EvaluationInputError(f"{path}: no rows below the header")
    return rows


def load_claims(path: str | Path) -> dict[str, dict[str, str]]:
    """Return {claim id: {"text", "title"}} from a vclaims TSV (id, text[, title])."""
    header = _header(path)
    columns = ("id", "text", "title") if "title" in header else ("id", "text")
    claims = {}
    for row in read_tsv(path, columns):
        if row["id"] in claims:
            raise EvaluationInputError(f"{path}: claim id {row['id']!r} appears twice")
        claims[row["id"]] = {"text": row["text"], "title": row.get("title", "")}
    return claims


def load_queries(path: str | Path) -> dict[str, str]:
    """Return {query id: text} from a queries TSV (id, text)."""
    queries = {}
    for row in read_tsv(path, ("id", "text")):
        if row["id"] in queries:
            raise EvaluationInputError(f"{path}: query id {row['id']!r} appears twice")
        queries[row["id"]] = row["text"]
    return queries


def load_qrels(path: str | Path) -> dict[str, set[str]]:
    """Return {query id: relevant claim ids} from a qrels TSV (query_id, vclaim_id, label > 0)."""
    qrels: dict[str, set[str]] = {}
    for row in read_tsv(path, ("query_id", "vclaim_id", "label")):
        try:
            label = float(row["label"])
        except ValueError:
            raise EvaluationInputError(f"{path}: label {row['label']!r} is not a number") from None
        if label > 0:
            qrels.setdefault(row["query_id"], set()).add(row["vclaim_id"])
    return qrels


def _header(path: str | Path) -> list[str]:
    try:
        with Path(path).open(encoding="utf-8") as handle:
            return handle.readline().rstrip("\r\n").split("\t")
    except FileNotFoundError:
        raise EvaluationInputError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EvaluationInputError(f"{path}: cannot be read as UTF-8 text ({exc})") from None


def average_precision(ranked: list, relevant: set, k: int) -> float:
    """AP@k as in CheckThat! 2020: precision at each relevant hit in the top k, summed, divided by R."""
    hits, total = 0, 0.0
    for position, key in enumerate(ranked[:k], start=1):
        if key in relevant:
            hits += 1
            total += hits / position
    return total / len(relevant) if relevant else 0.0


def reciprocal_rank(ranked: list, relevant: set) -> float:
    for position, key in enumerate(ranked, start=1):
        if key in relevant:
            return 1.0 / position
    return 0.0


@dataclass(frozen=True)
class Report:
    queries: int
    map_at_1: float
    map_at_5: float
    recall_at_5: float
    mrr: float
    seconds_per_query: float

    def lines(self) -> list[str]:
        return [
            f"MAP@1     {self.map_at_1:.4f}",
            f"MAP@5     {self.map_at_5:.4f}",
            f"Recall@5  {self.recall_at_5:.4f}",
            f"MRR       {self.mrr:.4f}",
        ]


def check_references(
    claims: dict[str, dict[str, str]], queries: dict[str, str], qrels: dict[str, set[str]]
) -> None:
    """Raise EvaluationInputError when a gold pair names a query or a claim that the files do not hold."""
    unknown_queries = sorted(q for q in qrels if q not in queries)
    if unknown_queries:
        raise EvaluationInputError(
            f"the qrels name {len(unknown_queries)} query id(s) absent from the queries file, "
            f"e.g. {', '.join(unknown_queries[:5])}: are the queries and qrels from the same split?"
        )
    unknown_claims = sorted({c for rel in qrels.values() for c in rel if c not in claims})
    if unknown_claims:
        raise EvaluationInputError(
            f"the qrels name {len(unknown_claims)} claim id(s) absent from the claims file, "
            f"e.g. {', '.join(unknown_claims[:5])}"
        )


def load_split(
    vclaims: str | Path, queries: str | Path, qrels: str | Path
) -> tuple[dict[str, dict[str, str]], dict[str, str], dict[str, set[str]]]:
    """The claims, queries and gold pairs of one split, checked against each other."""
    claims, query_texts, gold = load_claims(vclaims), load_queries(queries), load_qrels(qrels)
    check_references(claims, query_texts, gold)
    return claims, query_texts, gold


def evaluate(
    rank: Callable[[str, int], list[tuple[object, float]]],
    queries: dict[str, str],
    qrels: dict[str, set[str]],
    *,
    depth: int = 100,
) -> Report:
    """Rank every judged query with ``rank(text, depth)`` and return the CheckThat! metrics."""
    judged = [q for q in queries if q in qrels]
    if not judged:
        raise EvaluationInputError("no query in the queries file has a gold pair in the qrels")
    sums = [0.0, 0.0, 0.0, 0.0]
    started = time.perf_counter()
    for query_id in judged:
        ranked = [str(key) for key, _ in rank(queries[query_id], depth)]
        relevant = qrels[query_id]
        sums[0] += average_precision(ranked, relevant, 1)
        sums[1] += average_precision(ranked, relevant, 5)
        sums[2] += len(relevant.intersection(ranked[:5])) / len(relevant)
        sums[3] += reciprocal_rank(ranked, relevant)
    elapsed = time.perf_counter() - started
    n = len(judged)
    return Report(n, *(s / n for s in sums), seconds_per_query=elapsed / n)
