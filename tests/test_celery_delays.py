"""Every delay a task can be given is shorter than the broker's visibility timeout.

Redis redelivers an unacknowledged message after the visibility timeout; a countdown, ETA or retry delay
longer than that makes the message run again and again before its time.
"""

import pytest
from django.test import override_settings

from claims.feeds.tasks import retry_countdown as feeds_retry_countdown
from factcheck.celery import app
from sources.scheduling import bounded_countdown
from sources.scheduling import retry_countdown as pull_retry_countdown

VISIBILITY = app.conf.broker_transport_options["visibility_timeout"]


@pytest.fixture(scope="module")
def tasks():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_the_visibility_timeout_is_what_settings_say(settings):
    assert VISIBILITY == settings.BROKER_VISIBILITY_TIMEOUT


def test_every_automatic_retry_backs_off_less_than_the_visibility_timeout(tasks):
    for name, task in tasks.items():
        if getattr(task, "autoretry_for", ()):
            assert task.retry_backoff_max < VISIBILITY, name
            assert (task.max_retries or 0) <= 10, f"{name} retries without bound"


def test_the_hard_time_limit_is_below_the_visibility_timeout():
    assert app.conf.task_time_limit < VISIBILITY


@pytest.mark.parametrize("attempt", range(0, 40, 3))
def test_pull_and_feed_retry_delays_stay_below_the_visibility_timeout(attempt):
    assert pull_retry_countdown(attempt, retry_after=10**6) < VISIBILITY
    assert feeds_retry_countdown(attempt, retry_after=10**6) < VISIBILITY
    assert bounded_countdown(10**9) < VISIBILITY


def test_configured_delays_and_leases_are_below_the_visibility_timeout(settings):
    for name in ("SOURCES_RETRY_MAX_DELAY", "SOURCES_PULL_LEASE", "FEEDS_POLL_LEASE_SECONDS"):
        assert getattr(settings, name) < VISIBILITY, name


def test_start_up_refuses_a_retry_cap_above_the_visibility_timeout():
    from tests.test_foundation import PRODUCTION_ENV, run_manage

    result = run_manage(
        "check", **PRODUCTION_ENV, CELERY_VISIBILITY_TIMEOUT="600", SOURCES_RETRY_MAX_DELAY="900"
    )
    assert result.returncode != 0
    assert "below CELERY_VISIBILITY_TIMEOUT" in result.stderr


@override_settings(BROKER_VISIBILITY_TIMEOUT=120)
def test_pull_retry_delays_follow_a_shorter_visibility_timeout():
    assert pull_retry_countdown(30, retry_after=10**6) < 120
