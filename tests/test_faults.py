"""Faults survived, against the real PostgreSQL, Redis and Celery worker processes started here.

Run them alone with `make test PYTEST_ARGS="-m faults"`.
"""

import os
import signal
import threading
import time

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.test import override_settings
from werkzeug import Response

from claims.ingestion import Submission, submit_article
from claims.models import Article
from claims.tasks import requeue_stale_articles
from sources.models import Source
from sources.services import request_pull, source_for_url
from sources.tasks import refresh_due_sources
from tests.workers import start_web_worker, stop_worker, wait_until

PAGE = "<html><head><title>{0}</title></head><body><article><h1>{0}</h1><p>{1}</p></article></body></html>"
STORY = "The ministry said exports rose 12 percent in 2024, to 41 billion dollars."


def worker(queue, web, tmp_path, name, **env):
    return start_web_worker(
        queue, web, tmp_path / f"{name}.log", concurrency=4, FETCH_HOST_CONCURRENCY="8", **env
    )


def log_tail(tmp_path, name):
    return lambda: (tmp_path / f"{name}.log").read_text()[-3000:]


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_a_request_gets_503_not_a_traceback_when_the_database_is_unreachable(admin_client):
    saved = dict(connection.settings_dict)
    connection.close()
    connection.settings_dict["PORT"] = "1"  # nothing listens there: every query fails to connect
    try:
        api = admin_client.get("/admin/claims/claim/", HTTP_ACCEPT="application/json")
        page = admin_client.get("/admin/claims/claim/")
    finally:
        connection.close()
        connection.settings_dict.update(saved)
    assert api.status_code == 503 and api.json()["code"] == "unavailable"
    assert page.status_code == 503 and b"temporarily unavailable" in page.content
    assert page["Retry-After"]


@pytest.mark.services
@pytest.mark.faults
def test_500_pulls_lost_in_a_broker_flush_are_each_pulled_once_in_the_next_cycle(
    transactional_db, web, queue, tmp_path
):
    hits = []
    lock = threading.Lock()

    def page(request):
        with lock:
            hits.append(request.path)
        return Response(PAGE.format(request.path, STORY), content_type="text/html")

    for i in range(500):
        web.expect_request(f"/p/{i}").respond_with_handler(page)
    ids = [source_for_url(web.url_for(f"/p/{i}")).pk for i in range(500)]
    request_pull(ids)
    broker = redis.Redis.from_url(settings.REDIS_URL)
    assert broker.llen(queue) == -(-500 // settings.SOURCES_PULL_BATCH)  # a message per batch of pulls
    broker.flushdb()  # the broker loses every queued pull

    proc = worker(queue, web, tmp_path, "flush")
    try:
        with override_settings(SOURCES_REQUEUE_AFTER=0):
            assert refresh_due_sources() == 500  # one refresh cycle
        wait_until(
            lambda: Source.objects.filter(pk__in=ids, state=Source.State.OK).count() == 500,
            120,
            log_tail(tmp_path, "flush"),
        )
        with override_settings(SOURCES_REQUEUE_AFTER=0):
            assert refresh_due_sources() == 0  # nothing is due any more: no second pull
        time.sleep(1)
    finally:
        stop_worker(proc)
    assert len(hits) == 500 and len(set(hits)) == 500
    assert all(Source.objects.get(pk=pk).snapshots.count() == 1 for pk in ids[:50])


@pytest.mark.services
@pytest.mark.faults
def test_a_worker_killed_mid_ingestion_completes_it_once_after_a_new_worker_starts(
    transactional_db, web, queue, tmp_path
):
    hits, first_hit = [], threading.Event()

    def slow_once(_request):
        hits.append(time.monotonic())
        if len(hits) == 1:
            first_hit.set()
            time.sleep(8)  # the worker is killed while it waits for this answer
        return Response(PAGE.format("Exports", STORY), content_type="text/html")

    web.expect_request("/story").respond_with_handler(slow_once)
    first = worker(queue, web, tmp_path, "first", SOURCES_PULL_LEASE="5")
    second = None
    try:
        article = submit_article(submission=Submission(url=web.url_for("/story")))
        assert first_hit.wait(30), log_tail(tmp_path, "first")()
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        article.refresh_from_db()
        assert article.analysis_state == Article.AnalysisState.FETCHING
        second = worker(queue, web, tmp_path, "second", SOURCES_PULL_LEASE="5")

        def done():  # beat runs the sweeper every two minutes; here until the leases expired
            with override_settings(CLAIMS_ANALYSIS_STALE_AFTER=3):
                requeue_stale_articles()
            return Article.objects.get(pk=article.pk).analysis_state == Article.AnalysisState.DONE

        wait_until(done, 60, log_tail(tmp_path, "second"))
        with override_settings(CLAIMS_ANALYSIS_STALE_AFTER=0):
            assert requeue_stale_articles() == 0
        time.sleep(1)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
        if second is not None:
            stop_worker(second)
    article.refresh_from_db()
    assert article.claims.count() == 1
    assert article.source.snapshots.count() == 1
    assert len(hits) == 2


@pytest.mark.services
@pytest.mark.faults
def test_a_database_connection_dropped_during_an_analysis_is_retried_and_completes(
    transactional_db, web, queue, tmp_path
):
    fetched = threading.Event()

    def slow(_request):
        fetched.set()
        time.sleep(2)  # the worker's database connection is cut meanwhile
        return Response(PAGE.format("Exports", STORY), content_type="text/html")

    web.expect_request("/story").respond_with_handler(slow)
    proc = worker(queue, web, tmp_path, "drop", SOURCES_PULL_LEASE="5")
    try:
        article = submit_article(submission=Submission(url=web.url_for("/story")))
        assert fetched.wait(30), log_tail(tmp_path, "drop")()
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchall(), "the worker had no connection to cut"

        def done():
            with override_settings(CLAIMS_ANALYSIS_STALE_AFTER=3):
                requeue_stale_articles()
            return Article.objects.get(pk=article.pk).analysis_state == Article.AnalysisState.DONE

        wait_until(done, 60, log_tail(tmp_path, "drop"))
    finally:
        stop_worker(proc)
    assert "OperationalError" in (tmp_path / "drop.log").read_text()  # the fault did hit the task
    article.refresh_from_db()
    assert article.claims.count() == 1
    assert article.source.snapshots.count() == 1
