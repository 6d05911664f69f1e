"""Time the claims changelist with a million claims in PostgreSQL (goal: p95 under 500 ms).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/fc_admin_bench python bench/admin_changelist.py

Creates the database if needed, migrates it, bulk-loads CLAIMS claims (COPY; once: a re-run reuses the
rows) with articles, claimants, reviewers, evidence and verdicts, runs ANALYZE, then requests the
changelist with Django's test client as a superuser, REPEAT times per scenario after a warm-up, and
prints p50/p95/max per scenario. Options: --claims N (default 1,000,000), --repeat N (default 30).
"""

import argparse
import os
import random
import statistics
import sys
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")
os.environ.setdefault("SECRET_KEY", "bench-only-" + "x" * 40)
os.environ.setdefault("SECURE_SSL", "false")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "WARNING")

WORDS = [
    "government",
    "minister",
    "unemployment",
    "rate",
    "percent",
    "million",
    "budget",
    "deficit",
    "growth",
    "economy",
    "tax",
    "vaccine",
    "hospital",
    "police",
    "crime",
    "border",
    "migrants",
    "election",
    "votes",
    "survey",
    "climate",
    "emissions",
    "energy",
    "prices",
    "wages",
    "housing",
    "schools",
    "teachers",
    "doctors",
    "army",
    "troops",
    "war",
    "ceasefire",
    "exports",
    "imports",
    "tariff",
    "oil",
    "gas",
]
STATUSES = [
    ("candidate", 40),
    ("open", 15),
    ("researching", 10),
    ("in_review", 5),
    ("published", 15),
    ("needs_update", 1),
    ("dismissed", 13),
    ("duplicate", 1),
]
KINDS = ["numeric", "event", "attributed", "quote", "prediction", "opinion", "other"]


def ensure_database(url: str) -> None:
    import psycopg

    name = url.rsplit("/", 1)[1].split("?")[0]
    admin_url = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def load(n_claims: int) -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection, transaction
    from django.utils import timezone

    from claims.models import Article, Claim, Claimant, Rating
    from sources.models import Snapshot, Source

    have = Claim.objects.count()
    if have >= n_claims:
        print(f"reusing {have:,} claims already loaded")
        return
    rng = random.Random(7)
    started = time.perf_counter()
    with transaction.atomic():
        users = get_user_model()
        reviewers = [
            users.objects.get_or_create(username=f"reviewer{i}", defaults={"is_staff": True})[0]
            for i in range(20)
        ]
        ratings = [
            Rating.objects.get_or_create(slug=s, defaults={"label": s.title(), "order": i})[0]
            for i, s in enumerate(["false", "misleading", "mostly-true", "true"])
        ]
        sources = Source.objects.bulk_create(
            [
                Source(url=f"https://bench{i}.example.org/a/{i}", domain=f"bench{i}.example.org")
                for i in range(2000)
            ]
        )
        now = timezone.now()
        snaps = Snapshot.objects.bulk_create(
            [
                Snapshot(source=s, fetched_at=now, sha256=f"{i:064x}", text="x")
                for i, s in enumerate(sources[:1000])
            ]
        )
        articles = Article.objects.bulk_create(
            [
                Article(source=s, snapshot=sn, title=f"Bench article {i}")
                for i, (s, sn) in enumerate(zip(sources[:1000], snaps, strict=True))
            ]
        )
        claimants = Claimant.objects.bulk_create(
            [Claimant(name=f"Speaker {i}", normalized_name=f"speaker {i}") for i in range(500)]
        )
    status_pool = [s for s, w in STATUSES for _ in range(w)]
    today = date.today()
    todo = n_claims - have
    print(f"loading {todo:,} claims with COPY ...", flush=True)
    columns = (
        "created_at, updated_at, text, restatement, kind, checkworthiness, status, dismiss_reason, priority, "
        "in_article, version, assignee_id, due_date, claimant_id, article_id, duplicate_of_id, quote_check"
    )
    base_time = datetime(2024, 1, 1, tzinfo=UTC)
    first_id = None
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY claims_claim ({columns}) FROM STDIN") as copy:
            for i in range(todo):
                status = rng.choice(status_pool)
                words = rng.sample(WORDS, 8)
                if rng.random() < 0.01:
                    words[3] = "inflation"
                text = f"The {' '.join(words)} rose by {rng.randint(1, 99)} percent."
                created = base_time + timedelta(seconds=i * 50)
                active = status in ("researching", "in_review", "published", "needs_update")
                due = today + timedelta(days=rng.randint(-20, 30)) if active else None
                copy.write_row(
                    (
                        created,
                        created,
                        text,
                        "",
                        rng.choice(KINDS),
                        round(rng.random(), 3),
                        status if status != "duplicate" else "dismissed",
                        "",
                        1,
                        "current",
                        1,
                        rng.choice(reviewers).pk if active else None,
                        due,
                        rng.choice(claimants).pk if rng.random() < 0.7 else None,
                        rng.choice(articles).pk,
                        None,
                        "{}",
                    )
                )
        cursor.execute("SELECT min(id) FROM claims_claim")
        first_id = cursor.fetchone()[0]
        print("adding evidence and verdicts ...", flush=True)
        # Evidence on ~20% of claims, verdicts on published ones (set-based: fast and repeatable).
        cursor.execute(
            "INSERT INTO claims_evidence (created_at, updated_at, claim_id, source_id, excerpt, stance,"
            " origin, dismissed, note, quantity_match) SELECT now(), now(), id, %s + (id %% 1000), '',"
            " 'supports', 'added', false, '', ''"
            " FROM claims_claim WHERE id %% 5 = 0",
            [sources[1000].pk],
        )
        cursor.execute(
            "INSERT INTO claims_verdict (created_at, updated_at, claim_id, rating_id, summary, explanation,"
            " author_id, state, published_at, correction_note) SELECT now(), now(), id,"
            " (%s::bigint[])[1 + id %% 4], 's', '', %s, 'published', now(), ''"
            " FROM claims_claim WHERE status = 'published'",
            # The migrated scale's ids need not be consecutive.
            [[r.pk for r in ratings], reviewers[0].pk],
        )
        # As autovacuum would: statistics for the planner and a visibility map for index-only counts.
        cursor.execute("VACUUM ANALYZE")
    print(f"loaded in {time.perf_counter() - started:.0f}s (first claim id {first_id})", flush=True)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * len(ordered))) - 1)]


def _timed(spent: list[float]):
    """An execute wrapper adding each query's wall time to ``spent[0]``."""

    def wrapper(execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - t0

    return wrapper


def time_scenarios(repeat: int) -> list[tuple[str, float, float, float]]:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from claims.models import Claimant

    users = get_user_model()
    admin = users.objects.filter(username="bench-admin").first() or users.objects.create_superuser(
        "bench-admin", "b@example.org", "x"
    )
    reviewer = users.objects.get(username="reviewer3")
    claimant = Claimant.objects.get(name="Speaker 42")
    client = Client()
    client.force_login(admin)
    url = reverse("admin:claims_claim_changelist")
    scenarios = [
        ("unfiltered", {}),
        ("status=open", {"status__exact": "open"}),
        ("status=needs_update", {"status__exact": "needs_update"}),
        ("overdue", {"overdue": "yes"}),
        ("has evidence", {"has_evidence": "yes"}),
        ("rating=false", {"rating": "false"}),
        ("assignee", {"assignee": str(reviewer.pk)}),
        ("claimant", {"claimant": str(claimant.pk)}),
        ("kind+status", {"kind__exact": "numeric", "status__exact": "candidate"}),
        ("search text 'inflation'", {"q": "inflation"}),
        ("search claimant 'Speaker 42'", {"q": "Speaker 42"}),
        ("search article URL", {"q": "bench17.example.org"}),
        ("page 50", {"p": "50"}),
        ("sorted by check-worthiness", {"o": "3"}),
    ]
    results = []
    for name, params in scenarios:
        for _ in range(3):
            assert client.get(url, params).status_code == 200
        timings, sql_timings = [], []
        for _ in range(repeat):
            spent = [0.0]
            t0 = time.perf_counter()
            with connection.execute_wrapper(_timed(spent)):
                response = client.get(url, params)
            timings.append((time.perf_counter() - t0) * 1000)
            sql_timings.append(spent[0] * 1000)
            assert response.status_code == 200, (name, response.status_code)
        p95, sql_p95 = _p95(timings), _p95(sql_timings)
        results.append((name, statistics.median(timings), p95, max(timings)))
        print(
            f"{name:30s} p50 {results[-1][1]:6.1f} ms  p95 {p95:6.1f} ms  max {max(timings):6.1f} ms"
            f"  | SQL p50 {statistics.median(sql_timings):6.1f} ms  p95 {sql_p95:6.1f} ms",
            flush=True,
        )
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--claims", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print(
            "set DATABASE_URL to a PostgreSQL database, e.g. postgres://postgres@127.0.0.1:5432/fc_admin_bench"
        )
        return 2
    ensure_database(url)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    load(args.claims)
    from claims.models import Claim

    print(f"claims in table: {Claim.objects.count():,}; goal: p95 < 500 ms per scenario")
    # The figures include Python rendering, which shares the CPUs with whatever else runs: say how busy.
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    from django.conf import settings
    from django.test.utils import override_settings

    # Page rendering without collectstatic: plain static storage instead of the hashed manifest.
    storages = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storages):
        results = time_scenarios(args.repeat)
    worst = max(results, key=lambda r: r[2])
    verdict = "OK" if worst[2] < 500 else "SLOW"
    print(f"worst filtered/unfiltered p95: {worst[2]:.1f} ms ({worst[0]}) -> {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
