"""Print how many detected candidates lean on the sentence before and how many get a restatement.

Run from the project root: ``python bench/restatements.py [--split dev|test|all] [--show N]`` over the
labelled news pages (bench/labels/news_checkworthiness.tsv, pages under /work/shared/data/articles).
``--show`` prints N proposals beside their sentence, to check by hand.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from claims.detection import detect_claims  # noqa: E402
from claims.detection.attribution import parse  # noqa: E402
from claims.detection.evaluation import SEED_PAGE, read_labels, read_page  # noqa: E402
from claims.detection.restatement import needs_context  # noqa: E402
from sources.extraction import extract_html  # noqa: E402

ARTICLES = Path("/work/shared/data/articles")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--split", choices=("dev", "test", "all"), default="dev")
    parser.add_argument("--show", type=int, default=0)
    options = parser.parse_args()
    pages = sorted(
        {r.page for r in read_labels() if r.page != SEED_PAGE and options.split in ("all", r.split)}
    )
    candidates = leaning = restated = restated_leaning = 0
    shown = []
    for page in pages:
        for sentence in detect_claims(extract_html(read_page(ARTICLES, page))):
            if not sentence.is_candidate:
                continue
            candidates += 1
            leans = needs_context(parse([sentence.text])[0])
            leaning += leans
            restated += bool(sentence.restatement)
            restated_leaning += leans and bool(sentence.restatement)
            if sentence.restatement and len(shown) < options.show:
                shown.append((sentence.text, sentence.restatement))
    print(
        f"split={options.split} pages={len(pages)} candidates={candidates} "
        f"opening_with_pronoun_or_demonstrative={leaning} restated={restated_leaning} "
        f"restated_for_a_date_only={restated - restated_leaning}"
    )
    for text, restatement in shown:
        print(f"- {' '.join(text.split())}\n  -> {restatement}")


if __name__ == "__main__":
    main()
