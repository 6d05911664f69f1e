"""Load: the public verdict API under 200 concurrent connections for 60 s on gunicorn with PostgreSQL.

    python bench/load.py [--connections 200] [--seconds 60] [--warmup 5] [--workers N] [--threads N]
                         [--worker-connections N] [--client auto|wrk|python] [--no-cache]
                         [--verdicts 100000]

Uses the database of bench/api.py (fc_api_bench: created, migrated and seeded on first use) and Redis
(BENCH_REDIS_URL, default redis://127.0.0.1:6379/4: flushed at the start) for the shared response cache
and the throttle counters, as in production. Starts gunicorn as production does (docker-compose.yml:
``-c python:factcheck.gunicorn_conf``; --workers, --threads and --worker-connections override that
shape), then keeps --connections keep-alive connections busy with GET /api/v1/verdicts/ (the first page,
default page size), closed loop: first --warmup seconds (printed on their own line, errors included,
not in the figures), then --seconds measured with new connections. Prints requests/s, p50/p99 latency
and the errors (non-200 answers, connection errors and timeouts). Goal: zero errors and p99 under
250 ms.

The client is wrk (Debian package ``wrk``) when it is installed: it costs the 2 shared cores far less
than Python clients do. Otherwise (or with --client python) 4 Python processes with threads and
http.client. The output says which. --no-cache measures the service with the response cache off.
Only loopback traffic; stops gunicorn and its clients on exit.
"""

import argparse
import collections
import http.client
import json
import multiprocessing as mp
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.api import BENCH_ENV, ensure_database, free_port, seed, start_gunicorn, summary  # noqa: E402

PROCESSES = 4
PATH = "/api/v1/verdicts/"
# Prints wrk's figures as one JSON line (latencies in microseconds; "status" counts non-2xx/3xx answers).
WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format('WRK {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, '
    .. '"connect": %d, "read": %d, "write": %d, "timeout": %d, "status": %d}\\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout,
    summary.errors.status))
end
"""


def connection_loop(port: int, stop: float, results: list, lock: threading.Lock) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    latencies, errors = [], collections.Counter()
    while time.monotonic() < stop:
        started = time.perf_counter()
        try:
            conn.request("GET", PATH)
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


def run_python_clients(port: int, connections: int, seconds: float) -> tuple[dict, collections.Counter]:
    out: mp.Queue = mp.Queue()
    per_process = [connections // PROCESSES + (i < connections % PROCESSES) for i in range(PROCESSES)]
    procs = [mp.Process(target=client_process, args=(port, n, seconds, out)) for n in per_process]
    started = time.monotonic()
    for proc in procs:
        proc.start()
    results = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
    wall = time.monotonic() - started
    kinds = sum((e for _, e in results), collections.Counter())
    return summary([x for lat, _ in results for x in lat], sum(kinds.values()), wall), kinds


def run_wrk(port: int, connections: int, seconds: float) -> tuple[dict, collections.Counter]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(WRK_SCRIPT)
    try:
        command = ["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds:.0f}s", "--timeout", "10s"]
        command += ["-s", script.name, f"http://127.0.0.1:{port}{PATH}"]
        done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=True)
    finally:
        os.unlink(script.name)
    line = next(line for line in done.stdout.splitlines() if line.startswith("WRK "))
    w = json.loads(line[4:])
    names = {"status": "non-2xx/3xx answers", "connect": "socket connect", "read": "socket read"}
    names |= {"write": "socket write", "timeout": "timeouts"}
    kinds = collections.Counter({name: w[key] for key, name in names.items() if w[key]})
    figures = {
        "requests": w["requests"],
        "errors": sum(kinds.values()),
        "rps": w["requests"] / (w["duration_us"] / 1e6),
        "p50_ms": w["p50_us"] / 1000,
        "p99_ms": w["p99_us"] / 1000,
    }
    return figures, kinds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--connections", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--warmup", type=float, default=5.0, help="seconds of load before the measured run")
    parser.add_argument("--workers", type=int, help="default: factcheck/gunicorn_conf.py")
    parser.add_argument("--threads", type=int, help="default: factcheck/gunicorn_conf.py")
    parser.add_argument("--worker-connections", type=int, help="default: factcheck/gunicorn_conf.py")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument("--no-cache", action="store_true", help="turn the shared response cache off")
    parser.add_argument("--verdicts", type=int, default=100_000)
    args = parser.parse_args()
    use_wrk = args.client == "wrk" or (args.client == "auto" and shutil.which("wrk") is not None)
    if use_wrk and shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (Debian: apt-get install wrk)")
    ensure_database()
    seed(args.verdicts)
    redis_url = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/4")
    import redis

    redis.Redis.from_url(redis_url).flushdb()
    BENCH_ENV.update(REDIS_URL=redis_url, API_PUBLIC_CACHE_SECONDS="0" if args.no_cache else "30")
    port = free_port()
    from factcheck import gunicorn_conf

    workers = args.workers or gunicorn_conf.workers
    threads = args.threads or gunicorn_conf.threads
    capped = args.worker_connections or gunicorn_conf.worker_connections
    shape = ("-c", "python:factcheck.gunicorn_conf", "--threads", str(threads))
    shape += ("--worker-connections", str(capped))
    server = start_gunicorn(port, workers, extra=shape, ready=PATH)
    run = run_wrk if use_wrk else run_python_clients
    try:
        if args.warmup > 0:
            warm, _ = run(port, args.connections, args.warmup)
            print(
                f"warm-up {args.warmup:.0f} s (not counted): req/s {warm['rps']:.1f}  "
                f"p50 {warm['p50_ms']:.0f} ms  p99 {warm['p99_ms']:.0f} ms  errors {warm['errors']}"
            )
        figures, kinds = run(port, args.connections, args.seconds)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(15)
    cache = "off" if args.no_cache else "on (30 s, Redis)"
    client = "wrk (2 threads)" if use_wrk else f"Python ({PROCESSES} processes x threads, http.client)"
    print(
        f"{args.connections} connections for {args.seconds:.0f} s; client: {client}; gunicorn "
        f"{workers} x {threads} threads (least-connections gthread, at most {capped} each); "
        f"public response cache {cache}; "
        f"{args.verdicts} published verdicts; {os.cpu_count()} CPUs"
    )
    print(
        f"requests {figures['requests']}  req/s {figures['rps']:.1f}  p50 {figures['p50_ms']:.0f} ms  "
        f"p99 {figures['p99_ms']:.0f} ms  errors {figures['errors']}  (goal: 0 errors, p99 < 250 ms)"
    )
    if kinds:
        print("errors by kind: " + ", ".join(f"{kind} {n}" for kind, n in kinds.most_common()))


if __name__ == "__main__":
    main()
