"""A Redis cache that fails open: with Redis down, reads miss and writes are dropped, never raise.

Redis is our cache and broker, but nothing in the cache is needed to answer a request (throttle
counters, robots.txt copies, idempotency hints live in PostgreSQL or can be rebuilt), so an outage
must degrade to "no cache", not to HTTP 500 on every page. Errors are logged once a minute at most.
"""

import logging
import time

import redis
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)
_last_warning = 0.0


def _warn(exc: Exception) -> None:
    global _last_warning
    now = time.monotonic()
    if now - _last_warning > 60:
        _last_warning = now
        logger.warning("cache unavailable, serving without it: %s", exc)


def _fail_open(method_name: str, default=None):
    parent = getattr(RedisCache, method_name)

    def method(self, *args, **kwargs):
        try:
            return parent(self, *args, **kwargs)
        except redis.RedisError as exc:
            _warn(exc)
            return default

    method.__name__ = method_name
    return method


class _ReusedClients(RedisCacheClient):
    """One ``redis.Redis`` per connection pool instead of a new one per call: building one (its table of
    response callbacks) cost more CPU than the round trip on a cached API answer. Clients are thread-safe."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        index = self._get_connection_pool_index(write)
        client = self._clients.get(index)
        if client is None:
            client = self._clients[index] = self._client(connection_pool=self._get_connection_pool(index))
        return client


class FailOpenRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = _ReusedClients

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except redis.RedisError as exc:
            _warn(exc)
            return default

    get_many = _fail_open("get_many", {})
    set = _fail_open("set")
    set_many = _fail_open("set_many", [])
    add = _fail_open("add", False)
    delete = _fail_open("delete", False)
    delete_many = _fail_open("delete_many")
    has_key = _fail_open("has_key", False)
    touch = _fail_open("touch", False)
    clear = _fail_open("clear")

    def incr(self, key, delta=1, version=None):
        # Counters (rate limits) are the one place a miss must not look like "key absent" forever.
        try:
            return super().incr(key, delta, version)
        except redis.RedisError as exc:
            _warn(exc)
            raise ValueError(f"Key {key!r} not found (cache unavailable)") from exc
