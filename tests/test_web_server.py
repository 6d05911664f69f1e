"""The production web server shape (factcheck/gunicorn_conf.py), run for real: gunicorn with its settings."""

import http.client
import re
import shutil
import subprocess
import sys
import time
from collections import Counter

import pytest

from tests.workers import ROOT, free_port, stop_worker, worker_env

pytestmark = [pytest.mark.services, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def gunicorn():
    """Start gunicorn with the project's configuration; yield a function opening a connection to it."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "factcheck.wsgi:application",
        "-c",
        "python:factcheck.gunicorn_conf",
    ]
    command += [
        "-b",
        f"127.0.0.1:{port}",
        "-w",
        "3",
        "--threads",
        "2",
        "--worker-connections",
        "20",
        "--graceful-timeout",
        "5",
    ]
    proc = subprocess.Popen(command, cwd=ROOT, env=worker_env(), start_new_session=True)  # noqa: S603
    try:
        deadline = time.monotonic() + 60
        while True:  # until a worker answers
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                conn.close()
                break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError("gunicorn did not start") from None
                time.sleep(0.2)
        yield port, proc
    finally:
        stop_worker(proc, timeout=20)  # the master stops its workers


def _get(conn: http.client.HTTPConnection, path: str) -> int:
    conn.request("GET", path)
    response = conn.getresponse()
    response.read()
    return response.status


def test_public_api_is_served_by_the_production_configuration(gunicorn):
    port, _ = gunicorn
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
    assert _get(conn, "/api/v1/verdicts/") == 200
    assert _get(conn, "/api/v1/verdicts/") == 200  # the same keep-alive connection serves the next one
    conn.close()


@pytest.mark.skipif(
    shutil.which("ss") is None, reason="needs ss (iproute2) to see which worker holds a socket"
)
def test_a_burst_of_keep_alive_clients_is_spread_evenly_over_the_workers(gunicorn):
    """No worker hoards the clients: each accepts only while it holds about as few as the least loaded.

    (gunicorn's own gthread worker put all of them in one worker here.) The workers decide concurrently, so
    the spread is even within a few connections, not exactly."""
    port, proc = gunicorn
    clients = [http.client.HTTPConnection("127.0.0.1", port, timeout=30) for _ in range(30)]
    for conn in clients:  # all connect first, as a burst of clients does
        conn.connect()
    for conn in clients:  # every client is answered
        assert _get(conn, "/healthz") in (200, 503)
    listing = subprocess.run(
        ["ss", "-tnpH", "state", "established", f"( sport = :{port} )"],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    per_worker = Counter(re.findall(r"pid=(\d+)", listing))
    assert str(proc.pid) not in per_worker  # the master only forks; the workers answer
    assert sum(per_worker.values()) == 30
    assert len(per_worker) == 3
    assert max(per_worker.values()) <= 15
    for conn in clients:
        conn.close()
