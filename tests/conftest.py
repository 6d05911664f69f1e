import os

import pytest
import redis
from django.conf import settings

from factcheck.celery import app as celery_app
from tests.workers import start_worker, stop_worker, wait_for_worker

# Fixtures of the sources tests (a real local web server, fetch settings that let it be reached).
pytest_plugins = ["tests.fixtures.sources.support"]

REQUIRE_SERVICES = bool(os.environ.get("FACTCHECK_REQUIRE_SERVICES"))


def _missing_services() -> list[str]:
    missing = []
    if not settings.IS_POSTGRES:
        missing.append("PostgreSQL (DATABASE_URL is not a postgres:// URL)")
    if not settings.REDIS_URL:
        missing.append("Redis (REDIS_URL is unset)")
    else:
        try:
            redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1).ping()
        except redis.RedisError as exc:
            missing.append(f"Redis at {settings.REDIS_URL} ({exc})")
    return missing


def pytest_runtest_setup(item):
    if item.get_closest_marker("services") is None:
        return
    missing = _missing_services()
    if not missing:
        return
    reason = "needs " + "; ".join(missing)
    if REQUIRE_SERVICES:
        pytest.fail(f"FACTCHECK_REQUIRE_SERVICES is set but this test {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def _worker_process(django_db_setup, django_db_blocker, tmp_path_factory, _web_server):
    if _missing_services():
        pytest.skip("a real worker needs PostgreSQL and Redis")
    celery_app.conf.task_always_eager = False
    celery_app.control.purge()
    log_path = tmp_path_factory.mktemp("worker") / "worker.log"
    # The shared worker may fetch from the suite's local web server (the `web` fixture).
    proc = start_worker(
        log_path=log_path, FETCH_ALLOWED_PORTS=f"80,443,{_web_server.port}", FETCH_HOST_DELAY="0"
    )
    try:
        wait_for_worker(celery_app)
    except RuntimeError:
        stop_worker(proc)
        raise RuntimeError(log_path.read_text()[-3000:]) from None
    celery_app.conf.task_always_eager = True
    yield proc
    stop_worker(proc)


@pytest.fixture
def celery_worker(_worker_process, transactional_db):
    """A real worker consuming the real broker; tasks queued during the test go through Redis.

    The test runs on a transactional database (rows are committed) so that the worker can see them.
    """
    celery_app.conf.task_always_eager = False
    yield _worker_process
    celery_app.conf.task_always_eager = True


@pytest.fixture
def queue():
    """A queue of this test only (pulls and analyses), so that no other worker of the session takes them."""
    import uuid

    from django.test import override_settings

    name = f"test-{uuid.uuid4().hex[:8]}"
    celery_app.conf.task_always_eager = False
    with override_settings(SOURCES_PULL_QUEUE=name, CLAIMS_ANALYSIS_QUEUE=name):
        yield name
    celery_app.conf.task_always_eager = True
    redis.Redis.from_url(settings.REDIS_URL).delete(name)
