"""Redis down: reads keep being served, writes that need a task are accepted as pending and queued on return.

A second Redis server, started here on a free port, plays the broker and cache of a web process (run as a
subprocess with its own settings) and is stopped and started again, so that the suite's own Redis is
never touched.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from datetime import UTC, datetime

import pytest
import redis
from django.db import connection
from rest_framework.authtoken.models import Token

from claims.models import Article
from tests.factories import EditorFactory, claim_in_status
from tests.workers import ROOT, free_port

pytestmark = [pytest.mark.services, pytest.mark.faults]

WEB_CHECKS = """
import json, django
django.setup()
from django.test import Client
client = Client()
health = client.get("/healthz")
verdicts = client.get("/api/v1/verdicts/")
login = client.get("/admin/login/")
posted = client.post(
    "/api/v1/articles/", {"text": "Exports rose 12 percent in 2024, the ministry said."},
    content_type="application/json", HTTP_AUTHORIZATION="Token " + TOKEN,
)
print(json.dumps({
    "health": [health.status_code, health.json()],
    "verdicts": [verdicts.status_code, len(verdicts.json()["results"])],
    "login": login.status_code,
    "posted": [posted.status_code, posted.json().get("id")],
}))
"""

SWEEP = """
import django
django.setup()
from django.test import override_settings
from claims.tasks import requeue_stale_articles
with override_settings(CLAIMS_ANALYSIS_STALE_AFTER=0):
    print(requeue_stale_articles())
"""


def start_redis(port: int) -> subprocess.Popen:
    proc = subprocess.Popen(  # noqa: S603
        [
            shutil.which("redis-server"),
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    client = redis.Redis(port=port)
    for _ in range(50):
        try:
            client.ping()
            return proc
        except redis.ConnectionError:
            time.sleep(0.1)
    proc.kill()
    pytest.fail("the second Redis did not start")


def run_web(code: str, port: int, **env) -> dict | int:
    full_env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "FACTCHECK_TEST_DB_NAME": str(connection.settings_dict["NAME"]),
        "FACTCHECK_WORKER_EAGER": "false",
        "REDIS_URL": f"redis://127.0.0.1:{port}/0",
        **env,
    }
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", code], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server")
def test_with_redis_down_reads_are_served_and_writes_wait_as_pending_until_it_returns(transactional_db):
    claim_in_status("published")
    token = Token.objects.create(user=EditorFactory()).key
    port = free_port()
    broker = start_redis(port)
    broker.kill()
    broker.wait(10)

    started = time.monotonic()
    down = run_web(f"TOKEN = {token!r}\n" + WEB_CHECKS, port)
    assert time.monotonic() - started < 60
    assert down["health"] == [503, {"database": "ok", "broker": "down"}]
    assert down["verdicts"] == [200, 1]
    assert down["login"] == 200
    status, article_id = down["posted"]
    assert status == 202
    article = Article.objects.get(pk=article_id)
    assert article.analysis_state == Article.AnalysisState.QUEUED  # recorded as pending

    broker = start_redis(port)
    try:
        Article.objects.filter(pk=article_id).update(updated_at=datetime(2020, 1, 1, tzinfo=UTC))
        assert run_web(SWEEP, port) == 1
        assert redis.Redis(port=port).llen("default") == 1  # the analysis is queued now that Redis is back
    finally:
        broker.kill()
        broker.wait(10)
