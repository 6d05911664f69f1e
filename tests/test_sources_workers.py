"""Fault tests with real workers on the real broker: a worker killed mid-pull, a flushed Redis."""

import os
import signal
import threading
import time

import pytest
import redis
from django.conf import settings
from django.test import override_settings
from werkzeug import Response

from sources.models import Source
from sources.services import request_pull, source_for_url
from sources.tasks import pull_source, refresh_due_sources
from tests.workers import start_web_worker, stop_worker, wait_until

pytestmark = [pytest.mark.services, pytest.mark.faults]

PAGE = "<html><head><title>Slow</title></head><body><article><p>{}</p></article></body></html>"


def worker_for(queue, web, tmp_path, name, **env):
    return start_web_worker(queue, web, tmp_path / f"{name}.log", **env)


def test_a_worker_killed_mid_pull_leaves_the_source_pulled_exactly_once(
    transactional_db, web, queue, tmp_path
):
    hits, first_hit = [], threading.Event()

    def slow_once(_request):
        hits.append(time.monotonic())
        if len(hits) == 1:
            first_hit.set()
            time.sleep(8)  # the worker is killed while waiting for this answer
        return Response(
            PAGE.format("The council approved the budget on Thursday evening."), content_type="text/html"
        )

    web.expect_request("/slow").respond_with_handler(slow_once)
    source = source_for_url(web.url_for("/slow"))
    lease = 5
    first = worker_for(queue, web, tmp_path, "first", SOURCES_PULL_LEASE=str(lease))
    second = None
    try:
        pull_source.apply_async((source.pk,), queue=queue)
        assert first_hit.wait(30), (tmp_path / "first.log").read_text()[-2000:]
        os.killpg(first.pid, signal.SIGKILL)
        first.wait(10)
        source.refresh_from_db()
        assert source.snapshots.count() == 0 and source.lease_until is not None

        second = worker_for(queue, web, tmp_path, "second", SOURCES_PULL_LEASE=str(lease))

        # Beat runs refresh_due_sources every minute; here it is called until the lease has expired.
        def pulled():
            refresh_due_sources()
            return Source.objects.get(pk=source.pk).snapshots.exists()

        wait_until(pulled, lease + 30, "the source was not pulled again after the lease expired")
        # A redelivery of the killed worker's message (Redis does it after the visibility timeout) and
        # further refreshes change nothing: the source is no longer due.
        pull_source.apply_async((source.pk,), queue=queue)
        refresh_due_sources()
        time.sleep(2)
    finally:
        if first.poll() is None:
            os.killpg(first.pid, signal.SIGKILL)
        if second is not None:
            stop_worker(second)
    source.refresh_from_db()
    assert len(hits) == 2
    assert source.snapshots.count() == 1
    assert source.state == Source.State.OK and source.lease_until is None


def test_pulls_lost_in_a_redis_flush_are_queued_again_by_refresh_due_sources(
    transactional_db, web, queue, tmp_path
):
    for i in range(3):
        web.expect_request(f"/page/{i}").respond_with_data(
            PAGE.format(f"Story number {i} of three."), content_type="text/html"
        )
    sources = [source_for_url(web.url_for(f"/page/{i}")) for i in range(3)]
    broker = redis.Redis.from_url(settings.REDIS_URL)
    request_pull([s.pk for s in sources])  # autocommit: queued at once, no worker consumes the queue yet
    assert broker.llen(queue) == 1  # the three pulls share one sources.pull_sources message
    broker.flushdb()
    assert broker.llen(queue) == 0

    worker = worker_for(queue, web, tmp_path, "after-flush")
    try:
        time.sleep(2)
        assert not Source.objects.filter(snapshots__isnull=False).exists()
        with override_settings(SOURCES_REQUEUE_AFTER=0):  # production waits 15 minutes before re-queueing
            assert refresh_due_sources() == 3

        def all_pulled():
            return Source.objects.filter(pk__in=[s.pk for s in sources], state=Source.State.OK).count() == 3

        wait_until(all_pulled, 30, (tmp_path / "after-flush.log").read_text()[-2000:])
    finally:
        stop_worker(worker)
    assert sum(s.snapshots.count() for s in sources) == 3
