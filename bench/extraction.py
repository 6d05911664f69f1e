"""Extraction quality: our extract_html against plain trafilatura.extract on the shared article pages.

Usage: python bench/extraction.py [DATA_DIR]   (default /work/shared/data/articles)

Scoring as trafilatura's evaluation does it (see the data README): whitespace-normalised substring tests;
a `with` segment found is a TP (else FN), a `without` segment found is an FP (else TN).
Prints precision, recall, F1, accuracy and mean time per page for both extractors.
"""

import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

import trafilatura  # noqa: E402

from sources.extraction import extract_html  # noqa: E402


def _norm(text: str) -> str:
    return " ".join(text.split())


def score(outputs: dict[str, str], expectations: dict) -> dict[str, float]:
    tp = fn = fp = tn = 0
    for name, expected in expectations.items():
        text = _norm(outputs.get(name) or "")
        for segment in expected.get("with", []):
            if _norm(segment) in text:
                tp += 1
            else:
                fn += 1
        for segment in expected.get("without", []):
            if _norm(segment) in text:
                fp += 1
            else:
                tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "accuracy": (tp + tn) / (tp + tn + fp + fn)}


def main() -> None:
    data = Path(sys.argv[1] if len(sys.argv) > 1 else "/work/shared/data/articles")
    expectations = json.loads((data / "expectations.json").read_text())
    urls = {}
    for line in (data / "index.tsv").read_text().splitlines()[1:]:
        fields = line.split("\t")
        urls[Path(fields[0]).name] = fields[1]
    runs = {
        "trafilatura.extract (baseline)": lambda html, url: trafilatura.extract(
            html, include_comments=False, include_tables=True, include_formatting=False
        ),
        "sources.extraction.extract_html": lambda html, url: extract_html(html, url=url).text,
    }
    texts = {}
    for label, run in runs.items():
        outputs, started = {}, time.perf_counter()
        for name in expectations:
            html = (data / "pages" / name).read_bytes()
            outputs[name] = run(html, urls.get(name))
        elapsed = (time.perf_counter() - started) / len(expectations)
        texts[label] = outputs
        s = score(outputs, expectations)
        print(
            f"{label:36s} P {s['precision']:.3f}  R {s['recall']:.3f}  F1 {s['f1']:.3f}  "
            f"acc {s['accuracy']:.3f}  {elapsed * 1000:.0f} ms/page  ({len(expectations)} pages)"
        )
    baseline, ours = texts.values()
    identical = sum((baseline[name] or "") == (ours[name] or "") for name in expectations)
    print(f"identical main text on {identical}/{len(expectations)} pages")


if __name__ == "__main__":
    main()
