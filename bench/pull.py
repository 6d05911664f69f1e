"""Benchmark: pulls per second end to end (queue -> fetch -> extract -> store) with real workers.

Usage: python bench/pull.py [--sources 2000] [--hosts 50] [--workers 2] [--threads 32] [--timeout 300]

Serves a news-sized page (about 80 KB, answered after 100 ms) from 50 loopback addresses 127.0.0.1 ..
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

SERVER = r"""
import sys, threading, time
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler

port, hosts, latency = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
words = ("council budget bridge repairs million euros engineers corrosion traffic residents vote audit "
         "minister report figures increase percent spokesperson statement according data analysis").split()

def paragraph(seed, n):
    return " ".join(words[(seed * 7 + i * 3) % len(words)] for i in range(n)).capitalize() + "."

NAV = "".join(f'<li><a href="/section/{i}">Section {i}</a></li>' for i in range(60))
STYLE = "<style>" + ".c{color:#333;margin:0 auto;padding:4px}" * 300 + "</style>"
SCRIPT = "<script>" + "window.dataLayer=window.dataLayer||[];" * 400 + "</script>"

def page(path):
    seed = sum(map(ord, path))
    body = []
    for p in range(22):
        text = paragraph(seed + p, 55)
        if p % 3 == 0:
            link = f"https://example.org/ref/{seed}/{p}"
            text += f' See <a href="{link}">the source report {p}</a> for details.'
        body.append(f"<p>{text} ({path} paragraph {p})</p>")
    return (f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Story {path}</title>"
            '<meta property="article:published_time" content="2025-05-07T08:00:00+00:00">'
            f"{STYLE}{SCRIPT}</head>"
            f"<body><header><nav><ul>{NAV}</ul></nav></header><main><article><h1>Story {path}</h1>"
            f'<p class="byline">By Staff reporter</p>{"".join(body)}</article></main>'
            f"<aside><ul>{NAV}</ul></aside><footer>{paragraph(seed, 40)}</footer></body></html>").encode()

class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def do_GET(self):
        if self.path == "/robots.txt":
            data, ctype = b"User-agent: *\nAllow: /\n", "text/plain"
        else:
            time.sleep(latency)
            data, ctype = page(self.path), "text/html; charset=utf-8"
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
    def log_message(self, *args):
        pass

class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256

servers = [Server((f"127.0.0.{i}", port), Handler) for i in range(1, hosts + 1)]
for s in servers:
    threading.Thread(target=s.serve_forever, daemon=True).start()
print(len(page("/x")), flush=True)
threading.Event().wait()
"""


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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc), 0 when unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sources", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--workers", type=int, default=2, help="worker processes (one per core)")
    parser.add_argument("--threads", type=int, default=32, help="threads per worker process")
    parser.add_argument("--timeout", type=float, default=300, help="give up after this many seconds")
    args = parser.parse_args()

    port = free_port()
    os.environ.update(BENCH_ENV, FETCH_ALLOWED_PORTS=f"80,443,{port}")
    import django

    django.setup()
    import redis
    from django.core.management import call_command
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
        [sys.executable, "-c", SERVER, str(port), str(args.hosts), str(LATENCY)],
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
                        "-m",
                        "celery",
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
        started = time.monotonic()
        for chunk in range(0, len(ids), 500):
            request_pull(ids[chunk : chunk + 500])
        done = 0
        while time.monotonic() < deadline:
            done = Source.objects.filter(pk__in=ids, last_checked_at__isnull=False).count()
            if done >= len(ids):
                break
            time.sleep(0.25)
        elapsed = time.monotonic() - started
        cpu = sum(cpu_seconds(w.pid) for w in workers) - cpu_before
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
