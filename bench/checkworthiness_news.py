"""Check-worthiness models alone (no detection rules) on the hand-labelled news split.

Each labelled span of ``bench/labels/news_checkworthiness.tsv`` (page file, character span in the text
that ``sources.extraction.extract_html`` gives, hash of the span's text, split, label 0/1/L) is read from
the shared pages, checked against its hash and scored as one sentence. Label 1 is positive; 0 and L
(boilerplate/layout) are negative, and the L spans above the threshold are counted apart.

``python bench/checkworthiness_news.py [--labels PATH] [--articles DIR] [--models linear,transformer]``
"""

import argparse
import gzip
import hashlib
import os
import sys
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from claims.checkworthiness import load_scorer  # noqa: E402
from claims.checkworthiness.metrics import average_precision, binary_figures  # noqa: E402
from sources.extraction import extract_html  # noqa: E402

SEED_PAGE = "seed-article.html"


def text_key(text: str) -> str:
    """The labels file's hash: NFKC, whitespace collapsed, case folded, sha1, 16 hex digits."""
    normal = " ".join(unicodedata.normalize("NFKC", text).split()).casefold()
    return hashlib.sha1(normal.encode("utf-8"), usedforsecurity=False).hexdigest()[:16]


def labelled_spans(labels: Path, articles: Path) -> tuple[dict[str, list[tuple[str, str]]], int]:
    """{split: [(text, label)]} for the spans whose text still hashes as labelled, and the stale count."""
    rows = [line.split("\t") for line in labels.read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    texts: dict[str, str] = {}
    out: dict[str, list[tuple[str, str]]] = {}
    stale = 0
    for split, page, start, end, sha1, label, _claimant in rows:
        if page not in texts:
            path = ROOT / "claims" / "demo" / SEED_PAGE if page == SEED_PAGE else articles / page
            data = path.read_bytes()
            texts[page] = extract_html(gzip.decompress(data) if path.name.endswith(".gz") else data).text
        span = texts[page][int(start) : int(end)]
        if text_key(span) != sha1:
            stale += 1
            continue
        out.setdefault(split, []).append((span, label))
    return out, stale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--labels", default=str(ROOT / "bench" / "labels" / "news_checkworthiness.tsv"))
    parser.add_argument("--articles", default="/work/shared/data/articles")
    parser.add_argument("--models", default="linear,transformer")
    args = parser.parse_args()
    spans, stale = labelled_spans(Path(args.labels), Path(args.articles))
    print(f"labelled spans: {', '.join(f'{k} {len(v)}' for k, v in spans.items())}; stale {stale}")
    for name in args.models.split(","):
        scorer = load_scorer(name.strip())
        for split, items in sorted(spans.items()):
            labels = [int(label == "1") for _text, label in items]
            scores = scorer.score([text for text, _label in items])
            fig = binary_figures(labels, scores, scorer.threshold)
            layout = sum(
                1 for (_t, lab), s in zip(items, scores, strict=True) if lab == "L" and s >= scorer.threshold
            )
            print(
                f"{name:12s} {split:5s} n={len(items):4d} pos={fig.support:4d} P={fig.precision:.3f} "
                f"R={fig.recall:.3f} F1={fig.f1:.3f} AP={average_precision(labels, scores):.3f} "
                f"layout_above_threshold={layout}/{sum(lab == 'L' for _t, lab in items)}"
            )


if __name__ == "__main__":
    main()
