"""Benchmark: GET /api/v1/verdicts/ (50 per page) under gunicorn, against a single-query baseline view.

Usage: python bench/api.py [--verdicts 100000] [--workers 2] [--clients 4] [--seconds 20] [--rounds 5]

Needs PostgreSQL: the database fc_api_bench (created, migrated and filled here on the first run: 100,000
published verdicts, each with a claimant, an article and two pieces of evidence with snapshots; kept for
later runs). Starts gunicorn (sync workers) on 127.0.0.1, then runs --clients concurrent keep-alive
clients against each endpoint, alternating in --rounds short rounds (--seconds per endpoint in all) so that
other load on the machine weighs on both alike; the API clients walk the first 10 cursor pages.
Two baselines, both one query and a JsonResponse (bench/api_urls.py): the page's verdict rows only, and
the same content as the API (evidence and correction history included). Prints requests/s of each, the
ratios API/baseline (goal: at least 0.5), and p50/p99 latency.
Only loopback traffic. Stops gunicorn and its clients on exit.
"""

import argparse
import http.client
import json
import multiprocessing as mp
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

DB_NAME = "fc_api_bench"
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "bench.api_settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + secrets.token_urlsafe(32),
    "SECURE_SSL": "false",
    "ALLOWED_HOSTS": "127.0.0.1,localhost",
    "DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"postgres://postgres@127.0.0.1:5432/{DB_NAME}"),
    "API_THROTTLE_ANON": "100000000/second",
    "LOG_LEVEL": "WARNING",
    # The ratio is about building answers: the shared response cache (claims/api/public_cache.py) is off
    # here; bench/load.py measures the service with it.
    "API_PUBLIC_CACHE_SECONDS": "0",
    "REDIS_URL": "",
}


def ensure_database() -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    env = {**os.environ, **BENCH_ENV}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)


def seed(total: int) -> None:
    """Fill the database up to ``total`` published verdicts (bulk inserts; idempotent across runs)."""
    os.environ.update(BENCH_ENV)
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from claims.models import Article, Claim, Claimant, Evidence, Rating, Verdict
    from sources.models import Snapshot, Source

    have = Verdict.objects.filter(state="published").count()
    if have >= total:
        print(f"database {DB_NAME}: {have} published verdicts already")
        return
    started = time.monotonic()
    user_model = get_user_model()
    author, _ = user_model.objects.get_or_create(username="bench-author")
    approver, _ = user_model.objects.get_or_create(username="bench-approver")
    scale = []
    for order, (slug, label, value) in enumerate(
        [
            ("true", "True", 5),
            ("mostly-true", "Mostly true", 4),
            ("half-true", "Half true", 3),
            ("mostly-false", "Mostly false", 2),
            ("false", "False", 1),
            ("misleading", "Misleading", None),
        ]
    ):
        rating, _ = Rating.objects.get_or_create(
            slug=slug, defaults={"label": label, "value": value, "order": order}
        )
        scale.append(rating)
    claimants = list(Claimant.objects.all()[:500])
    if not claimants:
        claimants = Claimant.objects.bulk_create(
            Claimant(name=f"Speaker {i}", normalized_name=f"speaker {i}") for i in range(500)
        )
    evidence_sources = list(Source.objects.filter(url__startswith="https://stats.bench.example/")[:5000])
    if not evidence_sources:
        evidence_sources = Source.objects.bulk_create(
            Source(url=f"https://stats.bench.example/table/{i}", domain="stats.bench.example", state="ok")
            for i in range(5000)
        )
        now = datetime.now(UTC)
        Snapshot.objects.bulk_create(
            Snapshot(source=s, fetched_at=now, http_status=200, sha256=f"{s.pk:064x}", text="x" * 2000)
            for s in evidence_sources
        )
    snapshots = dict(Snapshot.objects.filter(source__in=evidence_sources).values_list("source_id", "id"))
    base = datetime(2024, 1, 1, tzinfo=UTC)
    batch = 5000
    for start in range(have, total, batch):
        n = min(batch, total - start)
        with transaction.atomic():
            sources = Source.objects.bulk_create(
                Source(url=f"https://news.bench.example/story/{start + i}", domain="news.bench.example")
                for i in range(n)
            )
            articles = Article.objects.bulk_create(
                Article(
                    source=s,
                    title=f"Story {start + i}",
                    publisher="Bench News",
                    language="en",
                    published_at=base + timedelta(minutes=start + i),
                    analysis_state="done",
                )
                for i, s in enumerate(sources)
            )
            claims = Claim.objects.bulk_create(
                Claim(
                    article=a,
                    text=f"Claim number {start + i}: unemployment fell by {i % 90} percent.",
                    claimant=claimants[(start + i) % len(claimants)],
                    status="published",
                    kind="numeric",
                )
                for i, a in enumerate(articles)
            )
            evidence = []
            for i, claim in enumerate(claims):
                for k in range(2):
                    src = evidence_sources[(start + i * 2 + k) % len(evidence_sources)]
                    evidence.append(
                        Evidence(
                            claim=claim,
                            source=src,
                            snapshot_id=snapshots[src.pk],
                            excerpt="Table 4: 5.1% to 4.9%",
                            stance="refutes" if k else "context",
                            note="internal",
                        )
                    )
            Evidence.objects.bulk_create(evidence)
            Verdict.objects.bulk_create(
                Verdict(
                    claim=c,
                    rating=scale[(start + i) % len(scale)],
                    summary="Not by that much.",
                    explanation="The statistics office reports a smaller change. " * 5,
                    author=author,
                    approver=approver,
                    state="published",
                    published_at=base + timedelta(minutes=start + i, seconds=30),
                )
                for i, c in enumerate(claims)
            )
        print(f"  seeded {start + n}/{total}", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"seeded {total - have} verdicts in {time.monotonic() - started:.0f}s")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(
    port: int,
    workers: int,
    *,
    extra: tuple[str, ...] = ("--worker-class", "sync"),
    ready: str = "/bench/minimal/?page_size=1",
) -> subprocess.Popen:
    """Start gunicorn on 127.0.0.1:``port`` (own process group) and wait until ``ready`` answers 200."""
    env = {**os.environ, **BENCH_ENV}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "factcheck.wsgi:application",
            "-b",
            f"127.0.0.1:{port}",
            "-w",
            str(workers),
            *extra,
            "--log-level",
            "warning",
            "--keep-alive",
            "30",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 120  # a loaded 2-core machine boots Django slowly
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", ready)
            if conn.getresponse().status == 200:
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("gunicorn did not answer within 120 s")


def client(port: int, paths: list[str], seconds: float, out: mp.Queue) -> None:
    """One keep-alive client: request ``paths`` round-robin for ``seconds``; report latencies (s)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, errors, i = [], 0, 0
    stop = time.monotonic() + seconds
    while time.monotonic() < stop:
        t0 = time.perf_counter()
        try:
            conn.request("GET", paths[i % len(paths)])
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors += 1
        except (OSError, http.client.HTTPException):
            errors += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies.append(time.perf_counter() - t0)
        i += 1
    out.put((latencies, errors))


def run_clients(port: int, paths: list[str], clients: int, seconds: float) -> tuple[list, int, float]:
    """Run ``clients`` processes for ``seconds``; return (latencies, errors, wall seconds)."""
    out: mp.Queue = mp.Queue()
    procs = [
        mp.Process(target=client, args=(port, paths[k:] + paths[:k], seconds, out)) for k in range(clients)
    ]
    started = time.monotonic()
    for p in procs:
        p.start()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    return [x for lat, _ in results for x in lat], sum(e for _, e in results), time.monotonic() - started


def measure_interleaved(port: int, endpoints: dict, clients: int, seconds: float, rounds: int) -> dict:
    """Alternate the endpoints in short rounds, so that load drifting on the machine weighs on both alike."""
    totals = {name: ([], 0, 0.0) for name in endpoints}
    for _ in range(rounds):
        for name, paths in endpoints.items():
            lat, err, wall = run_clients(port, paths, clients, seconds / rounds)
            all_lat, all_err, all_wall = totals[name]
            totals[name] = (all_lat + lat, all_err + err, all_wall + wall)
    return {name: summary(*totals[name]) for name in endpoints}


def summary(latencies: list, errors: int, wall: float) -> dict:
    latencies = sorted(latencies)
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / wall,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def api_pages(port: int, count: int) -> list[str]:
    """The first ``count`` cursor pages of the list (50 per page), as the clients will walk them."""
    paths, path = [], "/api/v1/verdicts/?page_size=50"
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for _ in range(count):
        paths.append(path)
        conn.request("GET", path)
        data = json.loads(conn.getresponse().read())
        assert len(data["results"]) == 50, data
        path = data["next"].split(f":{port}", 1)[1]
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--verdicts", type=int, default=100_000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--seconds", type=float, default=20.0, help="per endpoint, over all rounds")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()

    ensure_database()
    seed(args.verdicts)
    port = free_port()
    server = start_gunicorn(port, args.workers)
    try:
        endpoints = {
            "api": api_pages(port, 10),
            "baseline": ["/bench/minimal/?page_size=50"],
            "baseline_full": ["/bench/minimal-full/?page_size=50"],
        }
        measure_interleaved(port, endpoints, args.clients, 4.0, 1)  # warm-up: connections, caches
        results = measure_interleaved(port, endpoints, args.clients, args.seconds, args.rounds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(15)
    print(
        f"\n{args.verdicts} published verdicts; gunicorn {args.workers} sync workers; "
        f"{args.clients} keep-alive clients; {args.seconds:.0f} s per endpoint; {os.cpu_count()} CPUs; "
        "public response cache off (every API request builds its answer)"
    )
    print(f"{'endpoint':<48} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
    for name, label in (
        ("api", "GET /api/v1/verdicts/ (50/page, cursor pages)"),
        ("baseline", "one-query view: verdict rows only"),
        ("baseline_full", "one-query view: same content (evidence+history)"),
    ):
        r = results[name]
        print(f"{label:<48} {r['rps']:>8.1f} {r['p50_ms']:>8.1f} {r['p99_ms']:>8.1f} {r['errors']:>7}")
    api = results["api"]["rps"]
    print(f"ratio api / verdict-rows-only view: {api / results['baseline']['rps']:.2f} (goal >= 0.5)")
    print(f"ratio api / same-content view:      {api / results['baseline_full']['rps']:.2f} (goal >= 0.5)")


if __name__ == "__main__":
    main()
