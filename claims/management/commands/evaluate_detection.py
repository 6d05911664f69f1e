"""Print detection precision, recall, F1, claimant accuracy and layout lines proposed on labelled news."""

import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.checkworthiness import MODELS, ModelUnavailable, load_scorer
from claims.detection import detect_claims
from claims.detection.evaluation import (
    DEFAULT_LABELS,
    SEED_PAGE,
    SPLIT_CHOICES,
    LabelsError,
    evaluate,
    read_labels,
)
from sources.extraction import extract_html


class Command(BaseCommand):
    help = (
        "Evaluate claim detection on hand-labelled news pages (bench/labels/news_checkworthiness.tsv): "
        "precision/recall/F1 of candidates, claimant accuracy on named-source claims, layout lines proposed, "
        "and the same figures on the seed article."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--articles",
            required=True,
            help="shared articles directory (pages/, scrapinghub/html/), e.g. ../shared/data/articles",
        )
        parser.add_argument(
            "--split",
            choices=tuple(SPLIT_CHOICES),
            default="dev",
            help="dev, dev2, dev3 (all tuned on), held-in (dev + dev2 + dev3), test (report only), all",
        )
        parser.add_argument("--labels", default=str(DEFAULT_LABELS), help="labels TSV (default: the repo's)")
        parser.add_argument(
            "--model", default=None, help=f"scorer: {', '.join(MODELS)} (default: CHECKWORTHINESS_MODEL)"
        )
        parser.add_argument(
            "--errors", action="store_true", help="also list every wrong piece (not on test!)"
        )

    def handle(self, *args, **options):
        from django.conf import settings

        articles = Path(options["articles"])
        if not articles.is_dir():
            raise CommandError(f"--articles {articles} is not a directory")
        name = options["model"] or settings.CHECKWORTHINESS_MODEL
        try:
            rows = read_labels(options["labels"])
            scorer = load_scorer(name)
        except (LabelsError, ModelUnavailable, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        except (OSError, KeyError) as exc:
            raise CommandError(f"the {name} model file cannot be loaded ({exc}); retrain it") from exc
        split = options["split"]
        chosen = [r for r in rows if r.page != SEED_PAGE and r.split in SPLIT_CHOICES[split]]
        seed = [r for r in rows if r.page == SEED_PAGE]
        if not chosen:
            raise CommandError(f"no labelled pages in split {split!r} of {options['labels']}")

        def detect(document):
            return detect_claims(document, scorer=scorer)

        started = time.perf_counter()
        try:
            figures = evaluate(chosen, detect, extract_html, articles, keep_errors=options["errors"])
            seed_figures = evaluate(seed, detect, extract_html, articles) if seed else None
        except LabelsError as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        self._print(f"split={split}", figures, name)
        if seed_figures is not None:
            self._print("seed", seed_figures, name)
        self.stdout.write(f"seconds={elapsed:.1f}")
        for kind, page, start, end, text in figures.errors:
            self.stdout.write(f"{kind}\t{page}\t{start}-{end}\t{' '.join(text.split())[:300]}")
        if figures.stale:
            self.stderr.write(
                f"{figures.stale} labelled spans no longer match the extracted text (hash differs): "
                "they were left out; relabel those pages"
            )

    def _print(self, what: str, f, model: str) -> None:
        self.stdout.write(
            f"{what} model={model} pages={f.pages} pieces={f.tp + f.fp + f.fn + f.tn} "
            f"claims={f.tp + f.fn} proposed={f.tp + f.fp}\n"
            f"  precision={f.precision:.3f} recall={f.recall:.3f} f1={f.f1:.3f} "
            f"(tp={f.tp} fp={f.fp} fn={f.fn})\n"
            f"  claimant_accuracy={f.claimant_accuracy:.3f} "
            f"({f.claimant_right}/{f.named_claims} named-source claims)\n"
            f"  layout_proposed={f.layout_proposed} unlabelled={f.unlabelled} "
            f"unlabelled_proposed={f.unlabelled_proposed} stale_labels={f.stale}"
        )
