"""Redis unreachable: the API keeps answering, and the throttle still refuses, counting per process."""

import pytest
from django.core.cache import cache
from django.test import override_settings

from factcheck.cache import throttle_counters
from tests import api_fixtures as fx

pytestmark = pytest.mark.django_db
LIST = "/api/v1/verdicts/"
DEAD = {
    "default": {
        "BACKEND": "factcheck.cache.FailOpenRedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
        "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
    }
}
RATES = {"anon": "5/min", "user": "5/min", "export": "2/min"}


@pytest.fixture(autouse=True)
def _fresh_counters():
    cache.clear()
    throttle_counters.reset()
    yield
    throttle_counters.reset()


@override_settings(CACHES=DEAD, API_THROTTLE_RATES=RATES)
def test_anonymous_clients_are_still_throttled_while_redis_is_down(client):
    fx.published_verdict()
    statuses = [client.get(LIST).status_code for _ in range(8)]
    assert statuses[:5] == [200] * 5
    assert statuses[5:] == [429] * 3
    refused = client.get(LIST)
    assert refused.json()["code"] == "throttled" and int(refused["Retry-After"]) > 0


@override_settings(CACHES=DEAD, API_THROTTLE_RATES=RATES)
def test_exports_keep_their_own_lower_budget_while_redis_is_down(client):
    statuses = [client.get("/api/v1/verdicts/export.jsonl").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]


@override_settings(API_THROTTLE_RATES=RATES)
def test_with_redis_up_the_counters_are_shared_in_redis_not_kept_in_the_process(client):
    for size in (1, 2, 3):  # three URLs: a repeated anonymous read is answered by the public cache
        assert client.get(LIST, {"page_size": size}).status_code == 200
    assert len(cache.get("throttle_anon_127.0.0.1")) == 3
    assert throttle_counters.local.get("throttle_anon_127.0.0.1") is None
