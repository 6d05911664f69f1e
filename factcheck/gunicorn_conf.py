"""gunicorn settings of the web service.

    gunicorn factcheck.wsgi:application -c python:factcheck.gunicorn_conf

docker-compose.yml and bench/load.py use this module, so the load figures are those of the production
shape. Command-line options override it; the environment variables below set it without editing code.

Why this shape (measured with bench/load.py, docs/api.md "Load"):

- **Workers that share the clients evenly.** A gthread worker accepts every connection it can and
  keeps it for as long as the client keeps it alive. Whichever worker is first to the listening socket
  when a burst of clients arrives takes most of them (150 of 200 connections in one worker out of 3,
  measured), and since a worker runs one Python thread at a time, its clients wait several times longer
  than the others' for the whole life of their connections: that was the p99 tail. The worker class
  (``factcheck.gunicorn_worker``) accepts only while it holds about as few connections as the least
  loaded worker, so 200 clients spread 33-35 per worker. ``worker_connections`` is a hard cap per worker
  (600 open connections in all by default; more wait in the listen backlog). Six processes of four
  threads on two cores measured better than three of sixteen (less waiting for the GIL per process).
- **Preloaded, warmed and frozen.** The app is imported once in the master and its URL configuration
  and views loaded (``when_ready``), so every worker starts warm, at the same moment, and shares those
  pages of memory. ``gc.freeze()`` then moves those objects out of the collector's reach: a full
  collection walked all of Django and cost 130-350 ms of a worker's time, during which its requests
  waited (seen in the p99 tail); it now walks only what requests leave behind.
"""

import gc

from factcheck.env import env_int, env_str

bind = env_str("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "factcheck.gunicorn_worker.BalancedThreadWorker"
workers = env_int("WEB_CONCURRENCY", 6, minimum=1)
threads = env_int("GUNICORN_THREADS", 4, minimum=1)
worker_connections = env_int("GUNICORN_WORKER_CONNECTIONS", 100, minimum=1)
keepalive = env_int("GUNICORN_KEEPALIVE", 30, minimum=0)
backlog = env_int("GUNICORN_BACKLOG", 2048, minimum=1)
timeout = env_int("GUNICORN_TIMEOUT", 30, minimum=1)
preload_app = True
# gunicorn's runtime control socket (gunicornc) is not used; left on, every gunicorn of a host would
# share one default path.
control_socket_disable = True


def when_ready(server) -> None:
    """Load the URL configuration (and with it the views, serializers and DRF) before the workers fork,
    then freeze what is loaded so the garbage collector of each worker leaves it alone."""
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - importing the URL configuration imports every view
    connections.close_all()  # a connection opened while loading must not be shared by the workers
    gc.collect()
    gc.freeze()

    from factcheck.gunicorn_worker import reserve_slots

    reserve_slots(server)


def pre_fork(server, worker) -> None:
    from factcheck.gunicorn_worker import assign_slot

    assign_slot(server, worker)
