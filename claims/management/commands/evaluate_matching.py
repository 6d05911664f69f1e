"""Evaluate a claim-matching ranker on CheckThat!-style TSV files (see docs/matching.md)."""

import time

from django.core.management.base import BaseCommand, CommandError

from claims.matching import RANKERS, RankerUnavailable, evaluation, get_ranker


class Command(BaseCommand):
    help = (
        "Index the verified claims, rank them for every query and print MAP@1, MAP@5, Recall@5 and MRR "
        "(CheckThat! 2020 definitions: AP@k divides by the number of relevant claims)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--vclaims", required=True, help="TSV with id, text[, title] (verified claims)")
        parser.add_argument("--queries", required=True, help="TSV with id, text (tweets or claims)")
        parser.add_argument("--qrels", required=True, help="TSV with query_id, vclaim_id, label")
        parser.add_argument("--ranker", choices=RANKERS, default=None, help="default: MATCHING_RANKER")
        parser.add_argument("--depth", type=int, default=100, help="ranked list length for MRR (default 100)")

    def handle(self, *args, vclaims, queries, qrels, ranker, depth, **options):
        if depth < 5:
            raise CommandError("--depth must be at least 5 (MAP@5 and Recall@5 need five ranks)")
        try:
            claims, query_texts, gold = evaluation.load_split(vclaims, queries, qrels)
        except evaluation.EvaluationInputError as exc:
            raise CommandError(str(exc)) from None
        try:
            matcher = get_ranker(ranker)
        except RankerUnavailable as exc:
            raise CommandError(str(exc)) from None
        started = time.perf_counter()
        matcher.index(claims.items())
        indexed = time.perf_counter() - started
        try:
            report = evaluation.evaluate(matcher.rank, query_texts, gold, depth=depth)
        except evaluation.EvaluationInputError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"ranker {matcher.name}: {len(claims)} claims indexed in {indexed:.1f} s, "
            f"{report.queries} queries judged, {report.seconds_per_query * 1000:.1f} ms per query"
        )
        for line in report.lines():
            self.stdout.write(line)
