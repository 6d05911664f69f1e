"""A fetch ends at FETCH_TOTAL_TIMEOUT by the wall clock, however the server spaces out its bytes."""

import time

import pytest
from django.test import override_settings
from django.utils import timezone
from werkzeug import Response

from sources import pulling
from sources.errors import TransientFetchError
from sources.fetching import fetch
from sources.models import Source
from sources.services import source_for_url

pytestmark = pytest.mark.django_db


PAGE = b"<html><body><p>Slowly, slowly.</p></body></html>"


def drip(_request):
    """A page sent one byte every 0.5 s (25 s in all): no single read waits long enough to time out.

    With its length declared the body is not chunked, so the client's reads wait for 64 KiB or the end.
    """

    def body():
        for byte in PAGE:
            time.sleep(0.5)
            yield bytes([byte])

    return Response(body(), content_type="text/html", headers={"Content-Length": str(len(PAGE))})


def test_a_slow_drip_response_is_cut_at_the_total_deadline(web):
    web.expect_request("/drip").respond_with_handler(drip)
    started = time.monotonic()
    with (
        override_settings(FETCH_TIMEOUT=5.0, FETCH_TOTAL_TIMEOUT=1.0),
        pytest.raises(TransientFetchError, match="took longer than 1.0s"),
    ):
        fetch(web.url_for("/drip"), respect_robots=False)
    assert time.monotonic() - started < 2.0


def test_redirects_share_one_deadline(web):
    def slow_redirect(_request):
        time.sleep(0.4)
        return Response("", status=302, headers={"Location": "/hop"})

    web.expect_request("/hop").respond_with_handler(slow_redirect)
    started = time.monotonic()
    with (
        override_settings(FETCH_TIMEOUT=5.0, FETCH_TOTAL_TIMEOUT=1.0),
        pytest.raises(TransientFetchError, match="took longer than 1.0s"),
    ):
        fetch(web.url_for("/hop"), respect_robots=False)
    # Five hops of 0.4 s each would be 2 s; one deadline stops them after about 1 s.
    assert time.monotonic() - started < 1.6


def test_a_pull_cut_at_the_deadline_is_recorded_as_a_transient_failure_and_retried(web):
    web.expect_request("/drip").respond_with_handler(drip)
    source = source_for_url(web.url_for("/drip"))
    with (
        override_settings(FETCH_TIMEOUT=5.0, FETCH_TOTAL_TIMEOUT=1.0, SOURCES_PULL_MAX_RETRIES=2),
        pytest.raises(pulling.RetryLater),
    ):
        pulling.source_pull(source_id=source.pk, attempt=0)
    source.refresh_from_db()
    assert "took longer than 1.0s" in source.last_error
    assert source.consecutive_failures == 1 and source.state != Source.State.OK
    assert source.next_pull_at > timezone.now()
