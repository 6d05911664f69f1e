import time

import pytest
from celery import Celery
from django.db import transaction

from factcheck.queueing import enqueue, enqueue_on_commit

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def dead_broker_task():
    app = Celery("dead", broker="redis://127.0.0.1:1/0", set_as_current=False)
    app.conf.update(
        broker_connection_timeout=1,
        broker_connection_retry=False,
        task_publish_retry_policy={"max_retries": 1, "interval_start": 0, "interval_step": 0.1},
    )

    @app.task(name="tests.noop")
    def noop(x):
        return x

    return noop


def test_queueing_with_the_broker_down_is_refused_quickly_without_an_error(dead_broker_task, caplog):
    started = time.monotonic()
    assert enqueue(dead_broker_task, 1) is False
    assert time.monotonic() - started < 5
    assert "broker unavailable" in caplog.text


def test_nothing_is_queued_for_a_rolled_back_write(dead_broker_task, caplog):
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue_on_commit(dead_broker_task, 1)
        raise RuntimeError("write failed")
    assert "broker unavailable" not in caplog.text
