"""CPU per pull by component, measured in-process (no broker, no Celery) over the bench's news server.

Usage: python bench/pull_profile.py [--sources 300] [--hosts 50] [--threads 8] [--cprofile]

Runs ``sources.pulling.source_pull`` on each source from a small thread pool against
``bench/news_server.py`` (100 ms pages), with the same settings as ``bench/pull.py`` (PostgreSQL
fc_sources_bench, Redis db 3 for politeness and the robots cache), and prints the CPU time (this thread's,
``time.thread_time``) each component took per pull: what is left of the worker CPU in ``bench/pull.py``
after these is Celery's own overhead. ``--cprofile`` runs the pulls one after another under cProfile
(CPU time) and writes /tmp/pull.prof.
"""

import argparse
import cProfile
import os
import pstats
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pull import BENCH_ENV, LATENCY, cpu_seconds, free_port  # noqa: E402

_spent: dict[str, float] = defaultdict(float)
_calls: dict[str, int] = defaultdict(int)
_lock = threading.Lock()
_local = threading.local()


def timed(name: str, func):
    """Wrap ``func`` to add its own thread CPU (minus timed calls nested in it) to ``_spent[name]``."""

    def wrapper(*args, **kwargs):
        stack = getattr(_local, "stack", None)
        if stack is None:
            stack = _local.stack = []
        start = time.thread_time()
        stack.append(0.0)
        try:
            return func(*args, **kwargs)
        finally:
            nested = stack.pop()
            total = time.thread_time() - start
            if stack:
                stack[-1] += total
            with _lock:
                _spent[name] += total - nested
                _calls[name] += 1

    return wrapper


def instrument() -> None:
    import django.db.backends.utils as db_utils

    from sources import extraction, fetching, politeness, pulling, robots, services

    pulling.extract_body = timed("extract (trafilatura, links, metadata)", pulling.extract_body)
    pulling.store_content = timed("store (snapshot + source, one transaction)", pulling.store_content)
    services._compressed = timed("zlib compress", services._compressed)
    pulling._claim = timed("claim (UPDATE)", pulling._claim)
    robots.rules_for = timed("robots (cache + parse)", robots.rules_for)
    politeness._try_acquire = timed("politeness acquire (Redis Lua)", politeness._try_acquire)
    politeness._release = timed("politeness release", politeness._release)
    fetching.check_url = timed("SSRF check (resolve)", fetching.check_url)
    fetching._get = timed("HTTP request + headers (requests-hardened)", fetching._get)
    fetching._read_body = timed("HTTP body read", fetching._read_body)
    fetching.decode_body = timed("decode body", fetching.decode_body)
    extraction.extract_html = timed("extract (trafilatura, links, metadata)", extraction.extract_html)
    services.extract_html = extraction.extract_html
    from sources.models import Snapshot
    from sources.signals import snapshot_changed

    snapshot_changed.send = timed("snapshot_changed receivers (claims)", snapshot_changed.send)
    Snapshot.objects.create = timed("Snapshot.objects.create (ORM)", Snapshot.objects.create)
    db_utils.CursorWrapper._execute = timed("SQL (driver + round trip)", db_utils.CursorWrapper._execute)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=300)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--cprofile", action="store_true")
    args = parser.parse_args()

    port = free_port()
    os.environ.update(BENCH_ENV, FETCH_ALLOWED_PORTS=f"80,443,{port}")
    import django

    django.setup()
    import redis
    from django.core.management import call_command

    from sources import pulling
    from sources.models import Snapshot, Source

    call_command("migrate", verbosity=0)
    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    Source.objects.all().delete()
    per_host = -(-args.sources // args.hosts)
    Source.objects.bulk_create(
        Source(url=f"http://127.0.0.{h + 1}:{port}/story/{n}", domain=f"127.0.0.{h + 1}")
        for n in range(per_host)
        for h in range(args.hosts)
    )
    ids = list(Source.objects.order_by("pk").values_list("pk", flat=True)[: args.sources])
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "news_server.py"), str(port), str(args.hosts), str(LATENCY)],
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        server.stdout.readline()
        # Warm up (imports, robots.txt of every host, connections) outside the measurement.
        warm = ids[: args.hosts]
        for source_id in warm:
            pulling.source_pull(source_id=source_id)
        measured = ids[args.hosts :]
        instrument()
        profiler = cProfile.Profile(time.thread_time) if args.cprofile else None
        server_cpu = cpu_seconds(server.pid)

        def pull(source_id):
            start = time.thread_time()
            try:
                return pulling.source_pull(source_id=source_id)
            finally:
                with _lock:
                    _spent["total"] += time.thread_time() - start

        started = time.monotonic()
        if profiler:
            profiler.enable()
            outcomes = [pull(i) for i in measured]
            profiler.disable()
        else:
            with ThreadPoolExecutor(args.threads) as pool:
                outcomes = list(pool.map(pull, measured))
        elapsed = time.monotonic() - started
        server_cpu = cpu_seconds(server.pid) - server_cpu
        n = len(measured)
        print(f"{n} pulls in {elapsed:.1f} s ({args.threads if not profiler else 1} threads); outcomes:")
        print("  ", {o: outcomes.count(o) for o in set(outcomes)})
        total = _spent.pop("total")
        print(f"CPU per pull (thread time): {total / n * 1000:.2f} ms")
        accounted = 0.0
        for name, spent in sorted(_spent.items(), key=lambda kv: -kv[1]):
            accounted += spent
            print(f"  {spent / n * 1000:6.2f} ms  {name} ({_calls[name] / n:.1f} calls)")
        print(f"  {(total - accounted) / n * 1000:6.2f} ms  rest (ORM, Python glue)")
        print(f"server CPU {server_cpu / n * 1000:.2f} ms per pull")
        print(f"snapshots stored: {Snapshot.objects.filter(source_id__in=measured).count()}")
        if profiler:
            pstats.Stats(profiler).dump_stats("/tmp/pull.prof")
    finally:
        server.kill()
        Source.objects.all().delete()


if __name__ == "__main__":
    main()
