"""Measure each check-worthiness rule of the detection pipeline against the model alone, on labelled news.

Run from the project root: ``python bench/detection_rules.py --articles ../shared/data/articles
[--split dev] [--model NAME]``. For each variant it prints precision, recall and F1 of the candidates on
the split and on the seed article (labels: ``bench/labels/news_checkworthiness.tsv``). A variant is the
model's own score with one rule of ``claims.detection.kinds.classify`` switched on or off; "model" is the
score alone at the scorer's threshold, and "model@t" the score alone at threshold t; "without-X" keeps
every rule but X (quantity, event, reported speech, commentator, hedge, evaluative). Tune on dev only.
"""

import argparse
import os
import sys
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

from claims.checkworthiness import load_scorer  # noqa: E402
from claims.detection import detect_claims, pipeline  # noqa: E402
from claims.detection.evaluation import SEED_PAGE, evaluate, read_labels  # noqa: E402
from sources.extraction import extract_html  # noqa: E402

ORIGINAL_ADJUST = pipeline._adjust
ORIGINAL_CLASSIFY = pipeline.classify
# Each rule the pipeline keeps, and how to switch it off: a cue forced false, or a speaker fact hidden.
WITHOUT = {
    "quantity": ("cue", "precise_number"),
    "event": ("cue", "event"),
    "hedge": ("cue", "hedge"),
    "evaluative": ("cue", "evaluative"),
    "reported-speech": ("speaker", "own_attribution"),
    "commentator": ("speaker", "commentator"),
}


def without(rule: str):
    """A replacement for ``pipeline.classify`` that ignores one rule's input."""
    what, name = WITHOUT[rule]

    def classify(cues, **speaker):
        if what == "cue":
            cues = replace(cues, **{name: False})
        else:
            speaker = {**speaker, name: False}
            if name == "commentator":
                speaker["opinion_verb"] = False
        return ORIGINAL_CLASSIFY(cues, **speaker)

    return classify


def variant(rule: str, threshold: float):
    """A replacement for ``pipeline._adjust`` that keeps only ``rule`` (or none, or all)."""
    original = ORIGINAL_ADJUST

    def adjust(score, thr, *, opinion, anchored, hedged):
        if rule == "all":
            return original(score, thr, opinion=opinion, anchored=anchored, hedged=hedged)
        if rule == "opinion-only":
            return original(score, thr, opinion=opinion, anchored=False, hedged=hedged)
        if rule == "anchor-only":
            return original(score, thr, opinion=False, anchored=anchored, hedged=hedged)
        # "model": the score alone, compared with ``threshold`` instead of the scorer's.
        return round(min(max(score, 0.0), 1.0) - threshold + thr, 4)

    return adjust


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", required=True)
    parser.add_argument("--split", default="dev", choices=("dev", "test"))
    parser.add_argument("--model", default="linear")
    parser.add_argument("--thresholds", default="", help="comma-separated thresholds for the model alone")
    args = parser.parse_args()
    rows = read_labels()
    chosen = [r for r in rows if r.split == args.split and r.page != SEED_PAGE]
    seed = [r for r in rows if r.page == SEED_PAGE]
    scorer = load_scorer(args.model)
    articles = Path(args.articles)
    documents = {}

    def extract(html):
        key = hash(html)
        if key not in documents:
            documents[key] = extract_html(html)
        return documents[key]

    def detect(document):
        return detect_claims(document, scorer=scorer)

    variants = [
        ("all", scorer.threshold),
        ("opinion-only", scorer.threshold),
        ("anchor-only", scorer.threshold),
    ]
    variants.append(("model", scorer.threshold))
    for t in filter(None, args.thresholds.split(",")):
        variants.append(("model", float(t)))
    variants += [(f"without-{rule}", scorer.threshold) for rule in WITHOUT]
    try:
        for rule, threshold in variants:
            if rule.startswith("without-"):
                pipeline._adjust, pipeline.classify = ORIGINAL_ADJUST, without(rule.removeprefix("without-"))
            else:
                pipeline._adjust, pipeline.classify = variant(rule, threshold), ORIGINAL_CLASSIFY
            f = evaluate(chosen, detect, extract, articles)
            s = evaluate(seed, detect, extract, articles)
            name = rule if rule != "model" or threshold == scorer.threshold else f"model@{threshold:g}"
            print(
                f"{name:26} {args.split}: P={f.precision:.3f} R={f.recall:.3f} F1={f.f1:.3f} "
                f"layout={f.layout_proposed:3}   seed: P={s.precision:.3f} R={s.recall:.3f}"
            )
    finally:
        pipeline._adjust, pipeline.classify = ORIGINAL_ADJUST, ORIGINAL_CLASSIFY


if __name__ == "__main__":
    main()
