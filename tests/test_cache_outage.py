import pytest
from django.core.cache import caches
from django.test import override_settings

DEAD = {
    "default": {
        "BACKEND": "factcheck.cache.FailOpenRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}


@override_settings(CACHES=DEAD)
def test_a_cache_outage_reads_as_misses_and_drops_writes():
    cache = caches.create_connection("default")
    assert cache.get("k") is None
    assert cache.get("k", "fallback") == "fallback"
    assert cache.add("k", 1) is False
    cache.set("k", 1)
    assert cache.get_many(["a", "b"]) == {}


@override_settings(CACHES=DEAD)
def test_a_counter_on_a_dead_cache_raises_like_a_missing_key():
    cache = caches.create_connection("default")
    with pytest.raises(ValueError):
        cache.incr("counter")
