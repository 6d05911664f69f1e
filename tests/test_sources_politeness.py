import threading
import time
import uuid

import pytest
from django.test import override_settings

from sources.errors import HostBusy
from sources.politeness import host_slot


def a_host():
    return f"host-{uuid.uuid4().hex[:8]}.example"


def test_a_host_gets_no_more_concurrent_requests_than_allowed():
    host = a_host()
    with override_settings(FETCH_HOST_CONCURRENCY=2, FETCH_HOST_DELAY=0.0, FETCH_HOST_MAX_WAIT=0.0):
        with host_slot(host), host_slot(host), pytest.raises(HostBusy), host_slot(host):
            pass
        with host_slot(host):  # released slots can be taken again
            pass


def test_requests_to_one_host_are_spaced_by_the_minimum_delay_but_other_hosts_are_not_held_up():
    host, other = a_host(), a_host()
    with override_settings(FETCH_HOST_CONCURRENCY=5, FETCH_HOST_DELAY=0.3, FETCH_HOST_MAX_WAIT=5.0):
        started = time.monotonic()
        for _ in range(3):
            with host_slot(host):
                pass
        same_host = time.monotonic() - started
        started = time.monotonic()
        with host_slot(other):
            pass
        other_host = time.monotonic() - started
    assert same_host >= 0.55
    assert other_host < 0.2


def test_a_slot_frees_up_for_a_waiting_request_when_the_holder_finishes():
    host = a_host()
    order = []
    with override_settings(FETCH_HOST_CONCURRENCY=1, FETCH_HOST_DELAY=0.0, FETCH_HOST_MAX_WAIT=3.0):

        def second():
            with host_slot(host):
                order.append("second")

        with host_slot(host):
            thread = threading.Thread(target=second)
            thread.start()
            time.sleep(0.2)
            order.append("first done")
        thread.join(5)
    assert order == ["first done", "second"]
