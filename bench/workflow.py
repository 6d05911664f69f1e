"""Print queries and mean time per workflow operation over full claim lifecycles.

Run from the project root: ``python bench/workflow.py [--claims N]``; with ``DATABASE_URL`` set to
PostgreSQL it measures there (a throwaway ``test_...`` database is created and dropped), otherwise on a
throwaway SQLite database.
"""

import argparse
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402


def lifecycle(timings, queries):
    from claims import services
    from tests.factories import ClaimantFactory, EditorFactory, RatingFactory, ReviewerFactory

    editor, other, reviewer = EditorFactory(), EditorFactory(), ReviewerFactory()
    rating = RatingFactory()
    claim = None

    def step(name, call):
        nonlocal claim
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = call()
            timings[name].append(time.perf_counter() - started)
        queries[name].append(len(captured))
        return result

    claim = step(
        "claim_create", lambda: services.claim_create(actor=editor, text="X", claimant=ClaimantFactory())
    )
    claim = step("claim_triage", lambda: services.claim_triage(claim=claim, actor=editor, accept=True))
    claim = step("claim_assign", lambda: services.claim_assign(claim=claim, actor=editor, assignee=reviewer))
    step("evidence_add", lambda: services.evidence_add(claim=claim, actor=reviewer, url="https://a.example/"))
    step("verdict_save_draft", lambda: services.verdict_save_draft(claim=claim, actor=reviewer, summary="S."))
    step("verdict_propose", lambda: services.verdict_propose(claim=claim, actor=reviewer, rating=rating))
    step("verdict_approve", lambda: services.verdict_approve(claim=claim, actor=editor))
    step("verdict_approve (repeat, no-op)", lambda: services.verdict_approve(claim=claim, actor=editor))
    step(
        "verdict_correct",
        lambda: services.verdict_correct(
            claim=claim, actor=other, rating=rating, summary="T.", explanation="", correction_note="Fixed."
        ),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--claims", type=int, default=50)
    args = parser.parse_args()
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        timings, queries = defaultdict(list), defaultdict(list)
        for _ in range(args.claims):
            lifecycle(timings, queries)
        print(f"{connection.vendor}, {args.claims} claim lifecycles")
        print(f"{'operation':32} {'queries':>8} {'mean ms':>8}")
        for name, values in timings.items():
            mean_ms = 1000 * sum(values) / len(values)
            print(f"{name:32} {max(queries[name]):>8} {mean_ms:>8.2f}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
