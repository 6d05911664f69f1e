"""The Celery application, with defaults chosen for tasks that must not be lost.

Reliability choices (each is a trade-off; the reason is given):
- ``task_acks_late`` + ``task_reject_on_worker_lost``: a task is acknowledged after it finishes, so a
  worker killed mid-task (OOM, SIGKILL, deploy) leaves the message to be redelivered. Every task must
  therefore be idempotent; ours take ids and check the database state first.
- ``worker_prefetch_multiplier = 1``: fetching tasks are long and I/O-bound; prefetching more would park
  messages on a busy worker while another one sits idle, and would lose more work on a crash.
- JSON only: no pickle, so a message on the broker can never execute code.
- ``visibility_timeout``: Redis redelivers an unacknowledged message after this long. It must exceed the
  longest task and every countdown/ETA (a test checks the configured delays).
- Time limits: a hung fetch cannot hold a worker forever; the soft limit lets the task record why.
- Queues: ``default`` for database work, ``io`` for network fetches (run with a threads/gevent pool).
- Database connections are kept between tasks (``CELERY_DB_REUSE_MAX``) and checked after each task the
  way Django checks them after a request (``close_old_connections``: closed after an error, or when
  older than CONN_MAX_AGE). Celery's Django fixup would otherwise close the connection before and after
  every task: a new PostgreSQL connection (and server process) per pull, several ms of CPU each.
"""

import os

from celery import Celery, Task
from celery.signals import task_postrun
from django.db import InterfaceError, OperationalError, close_old_connections
from kombu import Queue

import factcheck.request_id  # noqa: F401 - connects the signals that carry request ids into tasks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")


def route_task(name, args, kwargs, options, task=None, **kw):
    """Queue by task name, read from settings at send time (tests route to a queue of their own)."""
    from django.conf import settings

    if name.startswith("sources."):
        return {"queue": settings.SOURCES_PULL_QUEUE}
    if name == "claims.analyse_article":
        return {"queue": settings.CLAIMS_ANALYSIS_QUEUE}
    return None


class ReliableTask(Task):
    """Base of every task: a dropped database connection (failover, restart, network blip) is retried.

    Only connection-level errors are retried here; each task handles its own domain's transient
    errors (fetch timeouts, 429/5xx) explicitly. The backoff cap stays far below the visibility timeout.
    """

    autoretry_for = (OperationalError, InterfaceError)
    retry_backoff = 2
    retry_backoff_max = 60
    retry_jitter = True
    max_retries = 5


app = Celery("factcheck", task_cls=ReliableTask)


# Values that depend on the environment (broker URL, eager mode, visibility timeout, time limits, beat
# schedule) come from settings.py under the CELERY_ prefix; read lazily, so importing this module never
# loads settings early.
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    task_ignore_result=True,
    result_expires=3600,
    broker_connection_retry_on_startup=True,
    task_default_queue="default",
    task_queues=[Queue("default"), Queue("io")],
    task_routes=[route_task],
    timezone="UTC",
    enable_utc=True,
    worker_hijack_root_logger=False,
    # Read by Celery's Django fixup under this old-style name: it then closes a thread's connections
    # only every 2 x this many task starts and ends, instead of around every task.
    CELERY_DB_REUSE_MAX=1000,
)
app.autodiscover_tasks()


@task_postrun.connect(dispatch_uid="factcheck.recycle_db_connections")
def _recycle_db_connections(task=None, **kwargs) -> None:
    """After a task, drop this thread's connection if it errored or is too old (as after a request).

    Not for eager tasks: they run inside the caller's transaction, which must not be touched.
    """
    if task is not None and not getattr(task.request, "is_eager", False):
        close_old_connections()


@app.task(name="factcheck.ping", ignore_result=False)
def ping(value: str = "pong") -> str:
    """Echo ``value``: used by health checks and tests to prove a worker consumes the broker."""
    return value


@app.task(name="factcheck.trace", ignore_result=False)
def trace() -> str:
    """Return the request id the task runs under: lets an operator check that tracing reaches workers."""
    return factcheck.request_id.current_request_id()
