"""Train a check-worthiness model from a labelled TSV and write the model file the package ships."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from claims.checkworthiness import ModelUnavailable
from claims.checkworthiness.dataset import DatasetError, read_many, read_tsv
from claims.checkworthiness.finetune import FinetuneUnavailable
from claims.checkworthiness.metrics import average_precision, binary_figures
from claims.checkworthiness.training import DEFAULT_C, FOLDS, SEED, TrainingUnavailable

TRAINABLE = ("linear", "semantic", "transformer")


class Command(BaseCommand):
    help = (
        "Train the check-worthiness model (deterministic seed), choose its threshold by cross-validation "
        "on the training file, write the model file and print figures (on --dev when given)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--train",
            required=True,
            action="append",
            help="TSV with text and label columns; repeat to train on several files together",
        )
        parser.add_argument("--dev", help="TSV to report figures on (never used to choose anything)")
        parser.add_argument("--model", choices=TRAINABLE, default="linear")
        parser.add_argument("--output", help="where to write the model (default: the shipped file)")
        parser.add_argument("--c", type=float, default=DEFAULT_C, help="inverse L2 strength (linear)")
        parser.add_argument(
            "--folds", type=int, default=FOLDS, help="cross-validation folds for the threshold"
        )
        parser.add_argument("--seed", type=int, default=SEED)
        parser.add_argument(
            "--lr",
            type=float,
            action="append",
            help="transformer: learning rate to cross-validate; repeat to compare several (default 5e-5)",
        )
        parser.add_argument(
            "--epochs",
            type=int,
            default=2,
            help="transformer: most epochs cross-validated (1..N are compared)",
        )
        parser.add_argument("--work-dir", help="transformer: where the exported ONNX files go before copying")

    def handle(self, *args, **options):
        try:
            if isinstance(options["train"], str):  # call_command(train="x.tsv") bypasses action="append"
                options["train"] = [options["train"]]
            train = read_many(options["train"])
            dev = read_tsv(options["dev"]) if options["dev"] else None
            arrays, report, scorer_class, default_path = self._train(train, options)
        except (DatasetError, TrainingUnavailable, FinetuneUnavailable, ModelUnavailable, ValueError) as exc:
            raise CommandError(str(exc)) from exc
        output = options["output"] or default_path
        report["train_files"] = [Path(path).name for path in options["train"]]
        if dev is not None:
            report["dev"] = self._dev_figures(scorer_class, arrays, dev, options["dev"])
            arrays.meta = report
        arrays.save(output)
        self.stdout.write(json.dumps(report, indent=2, sort_keys=True))
        self.stdout.write(self.style.SUCCESS(f"wrote {output}"))

    def _train(self, train, options):
        if options["model"] == "linear":
            from claims.checkworthiness.linear import MODEL_PATH, LinearScorer
            from claims.checkworthiness.training import train_linear

            arrays, report = train_linear(train, c=options["c"], folds=options["folds"], seed=options["seed"])
            return arrays, report, LinearScorer, MODEL_PATH
        if options["model"] == "transformer":
            import tempfile

            from claims.checkworthiness.finetune import train_transformer
            from claims.checkworthiness.transformer import MODEL_PATH, TransformerScorer

            work_dir = Path(options["work_dir"] or tempfile.mkdtemp(prefix="checkworthiness-"))
            arrays, report = train_transformer(
                train,
                folds=options["folds"],
                seed=options["seed"],
                lrs=options["lr"] or [5e-5],
                max_epochs=options["epochs"],
                work_dir=work_dir,
                log=lambda message: self.stderr.write(message),
            )
            return arrays, report, TransformerScorer, MODEL_PATH
        from claims.checkworthiness.semantic import HEAD_PATH, SemanticScorer, train_semantic

        arrays, report = train_semantic(train, folds=options["folds"], seed=options["seed"])
        return arrays, report, SemanticScorer, HEAD_PATH

    def _dev_figures(self, scorer_class, arrays, dev, path) -> dict:
        scorer = scorer_class.from_arrays(arrays)
        scores = scorer.score(dev.texts)
        figures = binary_figures(dev.labels, scores, scorer.threshold)
        return {
            "file": str(path),
            "rows": len(dev.labels),
            "precision": round(figures.precision, 4),
            "recall": round(figures.recall, 4),
            "f1": round(figures.f1, 4),
            "average_precision": round(average_precision(dev.labels, scores), 4),
        }
