"""Train a claim-matching re-ranker on CheckThat!-style TSV files (the train split; docs/matching.md)."""

from pathlib import Path

import numpy as np
from django.core.management.base import BaseCommand, CommandError

from claims.matching import RankerUnavailable, evaluation, rerank, training
from claims.matching.lexical import FEATURE_SIGNS


class Command(BaseCommand):
    help = (
        "Fit the learned re-ranker of the lexical or combined ranker on TRAIN queries and write its "
        "weights (claims/matching/weights/rerank_<ranker>.json by default). Needs scikit-learn."
    )

    def add_arguments(self, parser):
        parser.add_argument("--vclaims", required=True, help="TSV with id, text[, title] (verified claims)")
        parser.add_argument("--queries", required=True, help="TSV with id, text: the TRAIN queries")
        parser.add_argument("--qrels", required=True, help="TSV with query_id, vclaim_id, label")
        parser.add_argument("--ranker", choices=("lexical", "combined"), default="lexical")
        parser.add_argument("--output", default=None, help="weights file to write")

    def handle(self, *args, vclaims, queries, qrels, ranker, output, **options):
        try:
            import scipy.optimize  # noqa: F401
            import sklearn  # noqa: F401
        except ImportError:  # pragma: no cover - scikit-learn (and its scipy) is a dev/train extra
            raise CommandError("training needs scikit-learn: pip install 'factcheck[train]'") from None
        try:
            claims, query_texts, gold = evaluation.load_split(vclaims, queries, qrels)
        except evaluation.EvaluationInputError as exc:
            raise CommandError(str(exc)) from None
        try:
            base, names = _base_ranker(ranker)
        except RankerUnavailable as exc:
            raise CommandError(str(exc)) from None
        base.index(claims.items())
        data = training.collect(base, query_texts, gold)
        left_out = LEFT_OUT.get(ranker, ())
        used = [i for i, name in enumerate(names) if name not in left_out]
        data.features = data.features[:, used]
        names = tuple(names[i] for i in used)
        self.stdout.write(
            f"{len(data.relevant)} queries, {len(data.labels)} candidates, "
            f"{data.labels.sum() / data.relevant.sum():.3f} of the gold claims among them"
        )
        self.stdout.write(f"base order: MAP@5 {training.map_at(5, np.zeros(len(data.labels)), data):.4f}")
        signs = [FEATURE_SIGNS.get(name, 1) for name in names]
        model, c, cv_map = training.train(data, names, signs, log=self.stdout.write)
        path = output or rerank.WEIGHTS_DIR / f"rerank_{ranker}.json"
        model.save(
            path,
            ranker=ranker,
            trained_on=f"{Path(queries).name} ({len(data.relevant)} queries)",
            c=c,
            cross_validated_map_at_5=round(cv_map, 4),
        )
        self.stdout.write(f"C={c}, cross-validated MAP@5 {cv_map:.4f}; weights written to {path}")


# Features that compare a candidate with the others of its query score a claim in a small index by its
# rank rather than by its overlap. The lexical model leaves them out (cross-validated train MAP@5 0.8692
# without, 0.8701 with them); the combined one needs them (0.894 without, 0.918 with).
LEFT_OUT = {"lexical": ("bm25_vs_best", "reciprocal_rank")}


def _base_ranker(name: str):
    if name == "lexical":
        from claims.matching.lexical import LEXICAL_FEATURES, LexicalRanker

        return LexicalRanker(reranker=None), LEXICAL_FEATURES
    from claims.matching.combined import COMBINED_FEATURES, CombinedRanker

    return CombinedRanker(reranker=None), COMBINED_FEATURES
