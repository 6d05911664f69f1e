"""Ingestion throughput vs. plain extraction, on the real news pages of ../shared/data/articles/.

    python bench/ingest.py [--repeat N] [--data DIR] [--breakdown] [--sequential]

Prints articles/s for (a) `trafilatura.extract` alone and (b) our full ingestion of the same pages
(extraction with link offsets, sentences, check-worthiness, kinds, claimants, cited links, database
writes), and the ratio b/a. Goal: at least 0.5. Runs on a throwaway SQLite database (the project's
default SQLite settings) unless DATABASE_URL is set; cited-link pulls are queued to an in-memory broker
and never sent (no network).
"""

import argparse
import gzip
import os
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "articles"


def load_pages(data: Path) -> list[tuple[str, bytes]]:
    pages = [(p.name, p.read_bytes()) for p in sorted((data / "pages").glob("*.html"))]
    pages += [
        (p.name, gzip.decompress(p.read_bytes()))
        for p in sorted((data / "scrapinghub" / "html").glob("*.gz"))
    ]
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument(
        "--sequential",
        action="store_true",
        help="time all plain extractions, then all ingestions (default: alternate page by page)",
    )
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also print CPU ms/article of extraction and detection, and wall ms in the database",
    )
    args = parser.parse_args()
    if not args.data.exists():
        sys.exit(f"no data at {args.data}")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    if not os.environ.get("DATABASE_URL"):
        # The project's own SQLite set-up (WAL, synchronous=NORMAL), in a throwaway data directory.
        os.environ["FACTCHECK_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-ingest-")
    os.environ["REDIS_URL"] = ""
    import django

    django.setup()
    import trafilatura
    from django.core.management import call_command
    from trafilatura.external import jt_stoplist_init

    from claims.ingestion import Submission, submit_article
    from claims.models import Article, Claim
    from factcheck.celery import app

    app.conf.task_always_eager = False  # queue pulls into memory://, never run: no network
    call_command("migrate", verbosity=0)
    pages = load_pages(args.data)
    run = uuid.uuid4().hex[:8]  # fresh URLs each run: a reused database must not short-cut anything

    # Warm-up, not timed: imports, trafilatura's caches, the check-worthiness model, database connection.
    trafilatura.extract(pages[0][1])
    # jusText's stoplists are read on its first use, which the first page may not reach: ~0.3 s that
    # whichever side ran first paid alone (the plain side, so the ratio was flattered).
    jt_stoplist_init()
    submit_article(
        submission=Submission(html=pages[0][1], url=f"https://bench.example/{run}/warm"), run_now=True
    )

    def plain_extract(html: bytes) -> None:
        trafilatura.extract(html, include_comments=False, include_tables=True, include_formatting=False)

    def ingest(html: bytes, url: str) -> None:
        submit_article(submission=Submission(html=html, url=url), run_now=True)

    spent = _timed_components() if args.breakdown else {}
    waits = _timed_database() if args.breakdown else {}
    # A distinct URL per round so every round does the full work (no idempotent short-cut).
    work = [
        (html, f"https://bench.example/{run}/{round_}/{name}")
        for round_ in range(args.repeat)
        for name, html in pages
    ]
    if args.sequential:
        plain, plain_cpu = _timed(lambda: [plain_extract(html) for html, _ in work])
        full, full_cpu = _timed(lambda: [ingest(html, url) for html, url in work])
    else:
        # Page by page, each side timed on its own: both meet the same load of a shared machine, which
        # moves by more than the difference being measured over the seconds each whole pass takes.
        plain = plain_cpu = full = full_cpu = 0.0
        for html, url in work:
            wall, cpu = _timed(lambda html=html: plain_extract(html))
            plain, plain_cpu = plain + wall, plain_cpu + cpu
            wall, cpu = _timed(lambda html=html, url=url: ingest(html, url))
            full, full_cpu = full + wall, full_cpu + cpu

    n = len(pages) * args.repeat
    mine = Article.objects.filter(source__url__startswith=f"https://bench.example/{run}/").exclude(
        source__url__endswith="/warm"
    )
    done = mine.filter(analysis_state="done").count()
    claims = Claim.objects.filter(article__in=mine).count()
    print(f"pages: {len(pages)} x {args.repeat}; analysed: {done}; claims: {claims}")
    print(f"trafilatura.extract alone: {n / plain:7.1f} articles/s")
    print(f"full ingestion:            {n / full:7.1f} articles/s")
    print(f"ratio (goal >= 0.5):       {plain / full:7.2f}")
    # CPU time of this process: steadier than the wall clock on a shared machine, but blind to the
    # database server's own work and to waits on disk (commits).
    print(f"CPU ms/article: extract {1000 * plain_cpu / n:.1f}, ingestion {1000 * full_cpu / n:.1f};", end="")
    print(f" CPU ratio {plain_cpu / full_cpu:.2f}")
    if spent:
        rest = full_cpu - sum(spent.values())
        parts = [f"{name} {1000 * cpu / n:.1f}" for name, cpu in spent.items()]
        parts.append(f"the rest (database, queueing) {1000 * rest / n:.1f}")
        print(f"CPU ms/article of ingestion: {', '.join(parts)}")
        # Wall clock, not CPU: these include the database server's work and the wait for the disk.
        parts = [f"{name} {1000 * wall / n:.1f}" for name, wall in waits.items()]
        print(f"wall ms/article in the database: {', '.join(parts)}")


def _timed(work) -> tuple[float, float]:
    """Run ``work``; return the wall-clock and CPU seconds it took."""
    start, cpu_start = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - start, time.process_time() - cpu_start


def _timed_components() -> dict[str, float]:
    """Wrap extraction and detection where ingestion calls them; return their CPU seconds as they run."""
    import claims.ingestion
    import sources.services

    spent = {"extraction": 0.0, "detection": 0.0}

    def timed(module, name, label):
        function = getattr(module, name)

        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[label] += time.process_time() - started

        setattr(module, name, wrapper)

    timed(sources.services, "extract_html", "extraction")
    timed(claims.ingestion, "detect_claims", "detection")
    return spent


def _timed_database() -> dict[str, float]:
    """Time every statement (an autocommit one with its commit), and every commit of a transaction by
    whether it waits for the disk; return the wall seconds, which include the server's work."""
    from django.db import connection
    from django.db.backends.base.base import BaseDatabaseWrapper

    waits = {"statements": 0.0, "durable commits": 0.0, "relaxed commits": 0.0}
    relaxed = []  # the open transaction turned synchronous_commit off (factcheck/durability.py)

    def statement(execute, sql, params, many, context):
        if sql and "synchronous_commit TO OFF" in sql:
            relaxed.append(True)
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            waits["statements"] += time.perf_counter() - started

    commit = BaseDatabaseWrapper._commit

    def timed_commit(self):
        started = time.perf_counter()
        try:
            return commit(self)
        finally:
            waits["relaxed commits" if relaxed else "durable commits"] += time.perf_counter() - started
            relaxed.clear()

    BaseDatabaseWrapper._commit = timed_commit
    connection.execute_wrappers.append(statement)
    return waits


if __name__ == "__main__":
    main()
