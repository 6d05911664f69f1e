"""Failed pulls as an editor reads them: "Failed (retrying at …)" or "Failed", with a plain reason."""

import contextlib
import socket
import time
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone
from werkzeug import Response

from sources import failures, pulling
from sources.models import Source
from sources.services import source_for_url
from sources.signals import source_failed

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_signals():
    seen = []

    def on_failed(sender, **kwargs):
        seen.append((kwargs["source_id"], kwargs["state"], kwargs["failure"]))

    source_failed.connect(on_failed)
    yield seen
    source_failed.disconnect(on_failed)


def pull(source, attempt=0):
    return pulling.source_pull(source_id=source.pk, attempt=attempt)


def pulled(source, attempt=0):
    """Pull once and return the source as it was left, retry or not."""
    with contextlib.suppress(pulling.RetryLater):
        pull(source, attempt)
    source.refresh_from_db()
    return source


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_an_unresolvable_host_is_failed_and_retrying_with_a_plain_reason(fetch_settings):
    source = source_for_url("http://nonexistent.invalid/story")
    with pytest.raises(pulling.RetryLater):
        pull(source)
    source.refresh_from_db()
    assert source.state == Source.State.RETRYING and source.failure == Source.Failure.DNS
    assert "Name or service not known" in source.last_error or "resolve" in source.last_error
    assert failures.plain_reason(source).startswith("The site's name could not be found")
    assert "Errno" not in failures.plain_reason(source)
    assert (
        failures.state_text(source) == f"Failed (retrying at {timezone.localtime(source.next_pull_at):%H:%M})"
    )


def test_the_last_retry_leaves_the_source_failed_and_announces_it(
    fetch_settings, failed_signals, django_capture_on_commit_callbacks
):
    source = source_for_url("http://nonexistent.invalid/story")
    with override_settings(SOURCES_PULL_MAX_RETRIES=1), django_capture_on_commit_callbacks(execute=True):
        with pytest.raises(pulling.RetryLater):
            pull(source)
        Source.objects.filter(pk=source.pk).update(next_pull_at=timezone.now())
        assert pull(source, attempt=1) == Source.State.FAILED
    source.refresh_from_db()
    assert failures.state_text(source) == "Failed"
    assert failed_signals == [(source.pk, Source.State.FAILED, Source.Failure.DNS)]


def test_a_redirect_loop_fails_for_good_at_once(web, failed_signals, django_capture_on_commit_callbacks):
    web.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    web.expect_request("/b").respond_with_data("", status=302, headers={"Location": "/a"})
    source = source_for_url(web.url_for("/a"))
    with django_capture_on_commit_callbacks(execute=True):
        assert pull(source) == Source.State.FAILED
    source.refresh_from_db()
    assert source.failure == Source.Failure.REDIRECTS and "more than 5 redirects" in source.last_error
    assert failures.plain_reason(source) == "The page redirects in a loop or too many times."
    assert failed_signals == [(source.pk, Source.State.FAILED, Source.Failure.REDIRECTS)]


@pytest.mark.parametrize(
    ("status", "reason"),
    [
        (404, "The site says the page does not exist (HTTP 404)."),
        (410, "The site says the page does not exist (HTTP 410)."),
        (403, "The site refused to serve the page (HTTP 403)."),
        (503, "The site had an internal error (HTTP 503)."),
    ],
)
def test_http_errors_are_told_with_their_status(web, status, reason):
    web.expect_request("/page").respond_with_data("", status=status)
    source = pulled(source_for_url(web.url_for("/page")))
    assert failures.plain_reason(source) == reason


def test_a_refused_connection_is_told_apart_from_a_timeout(web):
    port = closed_port()
    web.expect_request("/slow").respond_with_handler(lambda _r: time.sleep(1.5) or Response("late"))
    with override_settings(FETCH_ALLOWED_PORTS=["*"]):
        refused = pulled(source_for_url(f"http://127.0.0.1:{port}/page"))
        slow = pulled(source_for_url(web.url_for("/slow")))
    assert refused.failure == Source.Failure.REFUSED
    assert failures.plain_reason(refused) == "The site's server refused the connection; it may be down."
    assert slow.failure == Source.Failure.TIMEOUT
    assert failures.plain_reason(slow) == "The site did not answer in time."


def test_https_to_a_server_without_tls_is_a_secure_connection_failure(web):
    source = pulled(source_for_url(web.url_for("/page").replace("http://", "https://")))
    assert source.failure == Source.Failure.TLS
    assert "HTTPS certificate" in failures.plain_reason(source)


def test_a_forbidden_address_says_so_without_naming_it(fetch_settings):
    with override_settings(FETCH_ALLOW_LOOPBACK=False):
        source = pulled(source_for_url("http://localhost/admin"))
    assert source.state == Source.State.BLOCKED and "127.0.0.1" in source.last_error
    reason = failures.plain_reason(source)
    assert "private or forbidden network address" in reason and "127.0.0.1" not in reason


def test_a_success_after_failures_clears_the_reason(web):
    web.expect_request("/page").respond_with_data("", status=503)
    source = pulled(source_for_url(web.url_for("/page")))
    assert failures.state_text(source).startswith("Failed (retrying at")
    web.clear()
    web.expect_request("/page").respond_with_data(
        "<html><body><article><p>The harbour bridge reopened on Monday.</p></article></body></html>",
        content_type="text/html",
    )
    Source.objects.filter(pk=source.pk).update(next_pull_at=timezone.now())
    source = pulled(source, attempt=1)
    assert (source.state, source.failure, failures.plain_reason(source)) == (Source.State.OK, "", "")
    assert failures.state_text(source) == "OK"


def test_sources_that_failed_before_the_kind_was_recorded_get_a_plain_reason_from_their_text():
    source = Source.objects.create(
        url="https://old.example/x",
        domain="old.example",
        state=Source.State.FAILED,
        last_error="cannot resolve host 'old.example': [Errno -2] Name or service not known",
        next_pull_at=timezone.now() + timedelta(days=1),
    )
    assert failures.plain_reason(source).startswith("The site's name could not be found")
