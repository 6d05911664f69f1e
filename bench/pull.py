"""Benchmark: pulls per second end to end (queue -> fetch -> extract -> store) with real workers.

Usage: python bench/pull.py [--sources 2000] [--hosts 50] [--workers 2] [--threads 32] [--timeout 300]

Serves a news-sized page (about 43 KB, answered after 100 ms) from 50 loopback addresses 127.0.0.1 ..
127.0.0.50 (each a separate domain for politeness and robots.txt), queues one pull per source through
the real Redis broker (db 3) into real Celery workers (threads pool on the "io" queue), and waits for
every source to be pulled. Needs PostgreSQL (database fc_sources_bench, migrated here) and Redis.
Prints pulls/s and the ratio of wall time to the latency bound (sources x latency / total concurrency).
Per-host politeness stays on: at most FETCH_HOST_CONCURRENCY requests in flight and FETCH_HOST_DELAY
between request starts per host. Cleans up (workers, server, Redis db, rows) and bounds its run time.
"""

import argparse
import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

LATENCY = 0.1
BENCH_ENV = {
    "DJANGO_SETTINGS_MODULE": "factcheck.settings",
    "DEBUG": "false",
    "SECRET_KEY": "bench-" + secrets.token_urlsafe(32),
    "SECURE_SSL": "false",
    "DATABASE_URL": os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/fc_sources_bench"
    ),
    "REDIS_URL": os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/3"),
    "FETCH_ALLOW_LOOPBACK": "true",
    "FETCH_HOST_CONCURRENCY": "2",
    "FETCH_HOST_DELAY": "0.25",
    "LOG_LEVEL": "WARNING",
}


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd: list[str], env: dict, log: Path | None = None) -> subprocess.Popen:
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(
        cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(5)


def cpu_seconds(pid: int, thread: int | None = None) -> float:
    """User + system CPU time of a process, or of one of its threads (Linux /proc), 0 when unavailable."""
    path = f"/proc/{pid}/task/{thread}/stat" if thread else f"/proc/{pid}/stat"
    try:
        fields = Path(path).read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def postgres_cpu_seconds(database: str, exclude_pid: int) -> tuple[float, float]:
    """CPU of the local PostgreSQL server, and of the workers' connections to ``database`` alone.

    The whole server counts the children it reaped (connections that ended) and its background writers,
    but also other users of a shared machine. The connections to the bench's database, except this
    process's own (``exclude_pid``, which polls for progress), are the workers' (they stay open for the
    whole run); they leave out the WAL writer's and checkpointer's share of the writes.
    """
    total = ours = 0
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
            title = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "(postgres)" in stat:
            fields = stat.rsplit(")", 1)[1].split()
            total += sum(int(f) for f in fields[11:15])
            if f" {database} " in title and int(proc.name) != exclude_pid:
                ours += int(fields[11]) + int(fields[12])
    tick = os.sysconf("SC_CLK_TCK")
    return total / tick, ours / tick


def redis_cpu_seconds(client) -> float:
    info = client.info("cpu")
    return float(info["used_cpu_user"]) + float(info["used_cpu_sys"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="worker processes (one per core)")
    parser.add_argument("--threads", type=int, default=32, help="threads per worker process")
    parser.add_argument("--timeout", type=float, default=300, help="give up after this many seconds")
    parser.add_argument(
        "--profile", metavar="DIR", help="run the workers under cProfile, writing DIR/workerN.prof"
    )
    args = parser.parse_args()

    port = free_port()
    os.environ.update(BENCH_ENV, FETCH_ALLOWED_PORTS=f"80,443,{port}")
    import django

    django.setup()
    import redis
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count

    from factcheck.celery import app
    from sources.models import Source
    from sources.services import request_pull

    call_command("migrate", verbosity=0)
    broker = redis.Redis.from_url(os.environ["REDIS_URL"])
    broker.flushdb()
    Source.objects.all().delete()
    per_host = -(-args.sources // args.hosts)
    Source.objects.bulk_create(
        Source(
            url=f"http://127.0.0.{h + 1}:{port}/story/{n}",
            domain=f"127.0.0.{h + 1}",
            next_pull_at=None,
        )
        for n in range(per_host)
        for h in range(args.hosts)
    )
    ids = list(Source.objects.order_by("pk").values_list("pk", flat=True)[: args.sources])
    logs = Path(os.environ.get("BENCH_LOG_DIR", "/tmp")) / "bench-pull"
    logs.mkdir(parents=True, exist_ok=True)

    server = subprocess.Popen(
        [sys.executable, str(ROOT / "bench" / "news_server.py"), str(port), str(args.hosts), str(LATENCY)],
        stdout=subprocess.PIPE,
        start_new_session=True,
    )
    workers = []
    deadline = time.monotonic() + args.timeout
    try:
        page_size = int(server.stdout.readline())
        env = dict(os.environ)
        for i in range(args.workers):
            workers.append(
                start(
                    [
                        sys.executable,
                        *(
                            [str(ROOT / "bench" / "profiled_worker.py"), f"{args.profile}/worker{i}.prof"]
                            if args.profile
                            else ["-m", "celery"]
                        ),
                        "-A",
                        "factcheck",
                        "worker",
                        "-Q",
                        "io,default",
                        "-P",
                        "threads",
                        "-c",
                        str(args.threads),
                        "-n",
                        f"bench{i}@%h",
                        "--without-gossip",
                        "--without-mingle",
                        "--without-heartbeat",
                        "-l",
                        "WARNING",
                    ],
                    env,
                    logs / f"worker{i}.log",
                )
            )
        app.conf.task_always_eager = False
        while time.monotonic() < deadline:
            replies = app.control.ping(timeout=1.0) or []
            if len(replies) >= args.workers:
                break
        print(
            f"{args.sources} sources on {args.hosts} hosts, page {page_size // 1024} KB after "
            f"{LATENCY * 1000:.0f} ms; {args.workers} workers x {args.threads} threads (threads pool, io); "
            f"politeness {BENCH_ENV['FETCH_HOST_CONCURRENCY']} per host, "
            f"{BENCH_ENV['FETCH_HOST_DELAY']} s apart"
        )
        cpu_before = sum(cpu_seconds(w.pid) for w in workers)
        server_before = cpu_seconds(server.pid)
        database = settings.DATABASES["default"]["NAME"]
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            own_backend = cursor.fetchone()[0]
        services_before = postgres_cpu_seconds(database, own_backend), redis_cpu_seconds(broker)
        # The main thread of a threads-pool worker is Celery's consumer (receive, hand over, acknowledge).
        consumer_before = sum(cpu_seconds(w.pid, w.pid) for w in workers)
        started = time.monotonic()
        for chunk in range(0, len(ids), 500):
            request_pull(ids[chunk : chunk + 500])
        done = 0
        while time.monotonic() < deadline:
            # Every source in the table is the bench's (emptied above): no list of 2,000 ids to parse.
            done = Source.objects.filter(last_checked_at__isnull=False).count()
            if done >= len(ids):
                break
            time.sleep(0.25)
        elapsed = time.monotonic() - started
        cpu = sum(cpu_seconds(w.pid) for w in workers) - cpu_before
        server_cpu = cpu_seconds(server.pid) - server_before
        postgres_now = postgres_cpu_seconds(database, own_backend)
        postgres_cpu = postgres_now[0] - services_before[0][0]
        postgres_ours = postgres_now[1] - services_before[0][1]
        redis_cpu = redis_cpu_seconds(broker) - services_before[1]
        consumer = sum(cpu_seconds(w.pid, w.pid) for w in workers) - consumer_before
        states = dict(Source.objects.filter(pk__in=ids).values_list("state").annotate(n=Count("pk")))
        concurrency = args.workers * args.threads
        bound = len(ids) * LATENCY / concurrency
        print(
            f"pulled {done}/{len(ids)} in {elapsed:.1f} s: {done / elapsed:.1f} pulls/s end to end; "
            f"states {states}"
        )
        print(
            f"latency bound {bound:.2f} s (sources x latency / concurrency {concurrency}); "
            f"wall / bound = {elapsed / bound:.1f}"
        )
        per_pull = cpu / max(done, 1)
        print(
            f"worker CPU {cpu:.1f} s = {per_pull * 1000:.1f} ms per pull; CPU-bound ceiling on "
            f"{os.cpu_count()} idle cores = {os.cpu_count() / per_pull:.0f} pulls/s; "
            f"load average now {os.getloadavg()[0]:.1f}"
        )
        print(f"  of which Celery's consumer threads {consumer / max(done, 1) * 1000:.1f} ms per pull")
        print(f"news server CPU {server_cpu:.1f} s = {server_cpu / max(done, 1) * 1000:.1f} ms per pull")
        per = 1000 / max(done, 1)
        print(
            f"PostgreSQL CPU {postgres_cpu * per:.1f} ms (of which the workers' connections to {database} "
            f"{postgres_ours * per:.1f} ms), Redis CPU {redis_cpu * per:.1f} ms per pull (whole servers: "
            "other users count too)"
        )
        everything = (cpu + server_cpu + postgres_ours + redis_cpu) * per
        print(
            f"CPU per pull, workers + news server + their PostgreSQL backends + Redis: {everything:.1f} ms; "
            f"ceiling on {os.cpu_count()} idle cores = {os.cpu_count() * 1000 / everything:.0f} pulls/s"
        )
        if done < len(ids):
            print(f"TIMED OUT after {args.timeout:.0f} s (see {logs})")
    finally:
        for proc in workers:
            stop(proc)
        stop(server)
        broker.flushdb()
        Source.objects.all().delete()


if __name__ == "__main__":
    main()
