"""Load: the public verdict API under 200 concurrent connections for 60 s on gunicorn with PostgreSQL.

    python bench/load.py [--connections 200] [--seconds 60] [--workers 2] [--threads 32] [--verdicts 100000]

Uses the database of bench/api.py (fc_api_bench: created, migrated and seeded on first use). Starts
gunicorn with threaded workers (sync workers cannot hold 200 keep-alive connections), then opens
--connections keep-alive connections from 4 client processes, each connection requesting the first
pages of GET /api/v1/verdicts/ (default page size) in a loop, bounded by --seconds. Prints requests/s,
p50/p99 latency and the error count (any non-200 answer or connection failure). Goal: zero errors and
p99 under 250 ms. Only loopback traffic; stops gunicorn and its clients on exit.
"""

import argparse
import collections
import http.client
import multiprocessing as mp
import os
import signal
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api import ensure_database, free_port, seed, start_gunicorn, summary  # noqa: E402

PROCESSES = 4


def connection_loop(port: int, stop: float, results: list, lock: threading.Lock) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, errors = [], collections.Counter()
    while time.monotonic() < stop:
        started = time.perf_counter()
        try:
            conn.request("GET", "/api/v1/verdicts/")
            response = conn.getresponse()
            response.read()
            if response.status != 200:
                errors[f"HTTP {response.status}"] += 1
        except (OSError, http.client.HTTPException) as exc:
            errors[type(exc).__name__] += 1
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        latencies.append(time.perf_counter() - started)
    with lock:
        results.append((latencies, errors))


def client_process(port: int, connections: int, seconds: float, out: mp.Queue) -> None:
    stop = time.monotonic() + seconds
    results, lock = [], threading.Lock()
    threads = [
        threading.Thread(target=connection_loop, args=(port, stop, results, lock)) for _ in range(connections)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    out.put(([x for lat, _ in results for x in lat], sum((e for _, e in results), collections.Counter())))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=32)
    parser.add_argument("--verdicts", type=int, default=100_000)
    args = parser.parse_args()
    ensure_database()
    seed(args.verdicts)
    port = free_port()
    # Sync workers cannot hold 200 keep-alive connections: threaded workers, with a deep listen backlog.
    threaded = ("--worker-class", "gthread", "--threads", str(args.threads), "--backlog", "2048")
    server = start_gunicorn(port, args.workers, extra=threaded, ready="/api/v1/verdicts/")
    try:
        out: mp.Queue = mp.Queue()
        per_process = [
            args.connections // PROCESSES + (i < args.connections % PROCESSES) for i in range(PROCESSES)
        ]
        procs = [mp.Process(target=client_process, args=(port, n, args.seconds, out)) for n in per_process]
        started = time.monotonic()
        for proc in procs:
            proc.start()
        results = [out.get() for _ in procs]
        for proc in procs:
            proc.join()
        wall = time.monotonic() - started
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(15)
    kinds = sum((e for _, e in results), collections.Counter())
    figures = summary([x for lat, _ in results for x in lat], sum(kinds.values()), wall)
    print(
        f"{args.connections} connections for {args.seconds:.0f} s; gunicorn {args.workers} x {args.threads} "
        f"threads; {args.verdicts} published verdicts; {os.cpu_count()} CPUs"
    )
    print(
        f"requests {figures['requests']}  req/s {figures['rps']:.1f}  p50 {figures['p50_ms']:.0f} ms  "
        f"p99 {figures['p99_ms']:.0f} ms  errors {figures['errors']}  (goal: 0 errors, p99 < 250 ms)"
    )
    if kinds:
        print("errors by kind: " + ", ".join(f"{kind} {n}" for kind, n in kinds.most_common()))


if __name__ == "__main__":
    main()
