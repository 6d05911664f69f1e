"""Print positive-class precision, recall, F1 and the threshold of a check-worthiness model on a TSV."""

import time

from django.core.management.base import BaseCommand, CommandError

from claims.checkworthiness import MODELS, ModelUnavailable, load_scorer
from claims.checkworthiness.dataset import DatasetError, read_tsv
from claims.checkworthiness.metrics import average_precision, binary_figures, mean_average_precision


class Command(BaseCommand):
    help = "Evaluate a check-worthiness model on a TSV with text and label (0/1) columns."

    def add_arguments(self, parser):
        parser.add_argument("file", help="UTF-8 TSV with a header holding text and label columns (unquoted)")
        parser.add_argument("--model", choices=MODELS, default=None, help="default: CHECKWORTHINESS_MODEL")
        parser.add_argument("--threshold", type=float, default=None, help="override the model's threshold")
        parser.add_argument(
            "--per-document",
            action="store_true",
            help="also print MAP over documents, the document being the id up to '#' (CLEF 2020 task 5)",
        )

    def handle(self, *args, **options):
        from django.conf import settings

        name = options["model"] or settings.CHECKWORTHINESS_MODEL
        try:
            data = read_tsv(options["file"])
            scorer = load_scorer(name)
        except (DatasetError, ModelUnavailable) as exc:
            raise CommandError(str(exc)) from exc
        except (OSError, KeyError) as exc:
            raise CommandError(f"the {name} model file cannot be loaded ({exc}); retrain it") from exc
        threshold = scorer.threshold if options["threshold"] is None else options["threshold"]
        started = time.perf_counter()
        scores = scorer.score(data.texts)
        elapsed = time.perf_counter() - started
        figures = binary_figures(data.labels, scores, threshold)
        self.stdout.write(
            f"model={scorer.name} file={options['file']} rows={len(data.labels)} positives={data.positives}\n"
            f"threshold={threshold:.4f} precision={figures.precision:.4f} recall={figures.recall:.4f} "
            f"f1={figures.f1:.4f} predicted_positive={figures.predicted}\n"
            f"average_precision={average_precision(data.labels, scores):.4f} "
            f"ms_per_sentence={elapsed * 1000 / len(scores):.3f}"
        )
        if options["per_document"]:
            documents = [sentence_id.split("#", 1)[0] for sentence_id in data.ids]
            value, count = mean_average_precision(documents, data.labels, scores)
            self.stdout.write(f"map_per_document={value:.4f} documents_with_positives={count}")
