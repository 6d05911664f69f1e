"""Real Celery worker processes for tests that exercise the broker (Redis) end to end."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent


def worker_env(**extra: str) -> dict[str, str]:
    """Environment for a worker that uses the test database and the test broker."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="tests.settings",
        FACTCHECK_TEST_DB_NAME=str(connection.settings_dict["NAME"]),
        FACTCHECK_WORKER_EAGER="false",
        PYTHONUNBUFFERED="1",
    )
    env.update(extra)
    return env


def start_worker(
    *,
    queues: str = "default,io",
    pool: str = "threads",
    concurrency: int = 4,
    log_path: Path | None = None,
    **extra_env: str,
) -> subprocess.Popen:
    """Start ``celery worker`` as a child process (its own process group, so it can be killed)."""
    log = open(log_path, "ab") if log_path else subprocess.DEVNULL  # noqa: SIM115
    return subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "factcheck",
            "worker",
            "-Q",
            queues,
            "-P",
            pool,
            "-c",
            str(concurrency),
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "INFO",
            "-n",
            f"test-{os.getpid()}-{time.monotonic_ns()}@%h",
        ],
        cwd=ROOT,
        env=worker_env(**extra_env),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def wait_for_worker(app, timeout: float = 30.0) -> None:
    """Block until a worker answers a ping task through the broker, or fail."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if app.send_task("factcheck.ping", args=["ready"]).get(timeout=2) == "ready":
                return
        except Exception:  # noqa: BLE001,S112 - not up yet; keep polling until the deadline
            continue
    raise RuntimeError(f"no Celery worker answered within {timeout:.0f}s (broker {settings.REDIS_URL})")


def free_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago, for a server a test starts."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def stop_worker(proc: subprocess.Popen, timeout: float = 15.0) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)


def start_web_worker(
    queue: str, web, log_path: Path, *, concurrency: int = 2, **extra_env: str
) -> subprocess.Popen:
    """A worker on a test's private queue that may fetch from the suite's local web server."""
    return start_worker(
        queues=queue,
        concurrency=concurrency,
        log_path=log_path,
        FETCH_ALLOWED_PORTS=f"80,443,{web.port}",
        FETCH_HOST_DELAY="0",
        SOURCES_PULL_QUEUE=queue,
        CLAIMS_ANALYSIS_QUEUE=queue,
        **extra_env,
    )


def wait_until(predicate, timeout: float, message) -> None:
    """Poll ``predicate`` until true; fail with ``message`` (a string, or a callable giving one)."""
    import pytest

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    pytest.fail(message() if callable(message) else message)
