"""A Redis cache that fails open: with Redis down, reads miss and writes are dropped, never raise.

Redis is our cache and broker, but nothing in the cache is needed to answer a request (throttle
counters, robots.txt copies, idempotency hints live in PostgreSQL or can be rebuilt), so an outage
must degrade to "no cache", not to HTTP 500 on every page. Errors are logged once a minute at most.
"""

import logging
import time

import redis
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache
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


class CountersWithLocalFallback:
    """Rate-limit counters: in the shared cache, or in this process's memory while Redis is unreachable.

    The fail-open cache turns an outage into "no counters", and a throttle without counters lets every
    request through (3,170 anonymous requests in 10 s, measured). Counting per process keeps each
    gunicorn worker to the rate, so an outage multiplies the limit by the number of workers instead of
    lifting it. After a failure Redis is left alone for ``RETRY_AFTER`` seconds, so that a request does
    not pay for a refused (or timing-out) connection twice per throttle.
    """

    RETRY_AFTER = 5.0

    def __init__(self):
        self.local = LocMemCache("factcheck-throttle-fallback", {"MAX_ENTRIES": 50_000})
        self._redis_down_until = 0.0

    def _call(self, name, *args):
        shared = caches["default"]
        if not isinstance(shared, FailOpenRedisCache):
            return getattr(shared, name)(*args)
        if time.monotonic() >= self._redis_down_until:
            try:
                return getattr(RedisCache, name)(shared, *args)  # the parent's: errors are not swallowed
            except redis.RedisError as exc:
                _warn(exc)
                self._redis_down_until = time.monotonic() + self.RETRY_AFTER
        return getattr(self.local, name)(*args)

    def get(self, key, default=None):
        return self._call("get", key, default)

    def set(self, key, value, timeout=None):
        return self._call("set", key, value, timeout)

    def reset(self):
        self.local.clear()
        self._redis_down_until = 0.0


throttle_counters = CountersWithLocalFallback()
