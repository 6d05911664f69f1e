import time

import pytest
from django.conf import settings
from django.test import override_settings
from werkzeug import Response

from sources.errors import (
    GoneError,
    PermanentHTTPError,
    RobotsDisallowed,
    TooLarge,
    TooManyRedirects,
    TransientFetchError,
    UnsupportedContent,
)
from sources.fetching import fetch

PAGE = "<html><head><title>t</title></head><body><p>Hello world</p></body></html>"


def test_a_page_is_fetched_with_our_user_agent_and_its_validators(web):
    web.expect_request("/page", headers={"User-Agent": settings.FETCH_USER_AGENT}).respond_with_data(
        PAGE,
        content_type="text/html; charset=utf-8",
        headers={"ETag": '"v1"', "Last-Modified": "Mon, 05 May 2025 08:00:00 GMT"},
    )
    result = fetch(web.url_for("/page"))
    assert result.status == 200
    assert result.text() == PAGE
    assert (result.etag, result.last_modified) == ('"v1"', "Mon, 05 May 2025 08:00:00 GMT")


def test_a_cookie_set_by_a_page_is_not_sent_back_on_the_next_fetch(web):
    web.expect_request("/first").respond_with_data(
        PAGE, content_type="text/html", headers={"Set-Cookie": "visitor=abc123; Path=/"}
    )
    web.expect_request("/second").respond_with_data(PAGE, content_type="text/html")
    fetch(web.url_for("/first"))
    fetch(web.url_for("/second"))
    second = web.log[-1][0]
    assert second.path == "/second"
    assert "Cookie" not in second.headers


def test_conditional_request_gets_a_304_with_no_body(web):
    web.expect_request("/page", headers={"If-None-Match": '"v1"'}).respond_with_data("", status=304)
    result = fetch(web.url_for("/page"), etag='"v1"', last_modified="Mon, 05 May 2025 08:00:00 GMT")
    assert result.not_modified and result.body == b""
    request = web.log[-1][0]
    assert request.headers["If-Modified-Since"] == "Mon, 05 May 2025 08:00:00 GMT"


def test_redirects_are_followed_and_the_final_url_recorded(web):
    web.expect_request("/old").respond_with_data("", status=301, headers={"Location": "/new?utm_source=x"})
    web.expect_request("/new").respond_with_data(PAGE, content_type="text/html")
    result = fetch(web.url_for("/old"))
    assert result.final_url == web.url_for("/new")
    assert result.url == web.url_for("/old")


def test_more_than_five_redirects_are_refused(web):
    for i in range(7):
        web.expect_request(f"/r{i}").respond_with_data("", status=302, headers={"Location": f"/r{i + 1}"})
    with pytest.raises(TooManyRedirects, match="more than 5"):
        fetch(web.url_for("/r0"))


@pytest.mark.parametrize("status", [404, 410])
def test_missing_pages_raise_gone_with_their_status(web, status):
    web.expect_request("/missing").respond_with_data("no", status=status)
    with pytest.raises(GoneError) as info:
        fetch(web.url_for("/missing"))
    assert info.value.status == status


def test_429_is_transient_and_carries_retry_after(web):
    web.expect_request("/busy").respond_with_data("slow down", status=429, headers={"Retry-After": "120"})
    with pytest.raises(TransientFetchError) as info:
        fetch(web.url_for("/busy"))
    assert info.value.status == 429 and info.value.retry_after == 120


def test_server_errors_are_transient_and_forbidden_is_permanent(web):
    web.expect_request("/broken").respond_with_data("oops", status=503)
    web.expect_request("/private").respond_with_data("no", status=403)
    with pytest.raises(TransientFetchError):
        fetch(web.url_for("/broken"))
    with pytest.raises(PermanentHTTPError, match="403"):
        fetch(web.url_for("/private"))


def test_a_slow_response_past_the_timeout_is_a_transient_error(web):
    def slow(_request):
        time.sleep(1.5)
        return Response(PAGE, content_type="text/html")

    web.expect_request("/slow").respond_with_handler(slow)
    started = time.monotonic()
    with override_settings(FETCH_TIMEOUT=0.3), pytest.raises(TransientFetchError, match="timed out"):
        fetch(web.url_for("/slow"))
    assert time.monotonic() - started < 1.2


def test_a_body_over_the_cap_is_refused_as_too_large(web):
    web.expect_request("/big").respond_with_data("x" * 5000, content_type="text/html")
    with override_settings(FETCH_MAX_BYTES=4096), pytest.raises(TooLarge, match="4096"):
        fetch(web.url_for("/big"))


def test_a_streamed_body_without_length_is_cut_at_the_cap(web):
    def endless(_request):
        return Response((b"<p>" + b"y" * 1000 for _ in range(100)), content_type="text/html")

    web.expect_request("/stream").respond_with_handler(endless)
    with override_settings(FETCH_MAX_BYTES=10_000), pytest.raises(TooLarge):
        fetch(web.url_for("/stream"))


@pytest.mark.parametrize(
    ("content_type", "message"),
    [("application/pdf", "PDF documents are not supported"), ("image/png", "'image/png' is not supported")],
)
def test_unsupported_content_types_are_recorded_not_downloaded(web, content_type, message):
    web.expect_request("/file").respond_with_data(b"%PDF-1.4 ...", content_type=content_type)
    with pytest.raises(UnsupportedContent, match=message):
        fetch(web.url_for("/file"))


def test_plain_text_and_xhtml_are_accepted(web):
    web.expect_request("/t").respond_with_data("just text", content_type="text/plain")
    web.expect_request("/x").respond_with_data(PAGE, content_type="application/xhtml+xml")
    assert fetch(web.url_for("/t")).content_type == "text/plain"
    assert fetch(web.url_for("/x")).content_type == "application/xhtml+xml"


def test_a_page_in_a_legacy_charset_declared_in_the_header_is_decoded(web):
    body = "<p>Café à Genève – “quoted”</p>".encode("cp1252")
    web.expect_request("/latin").respond_with_data(body, content_type="text/html; charset=windows-1252")
    assert "Café à Genève – “quoted”" in fetch(web.url_for("/latin")).text()


def test_a_page_whose_charset_is_only_in_a_meta_tag_is_decoded(web):
    body = '<html><head><meta charset="iso-8859-1"></head><body><p>Müller sagt: Grüße</p></body></html>'
    web.expect_request("/meta").respond_with_data(body.encode("latin-1"), content_type="text/html")
    assert "Müller sagt: Grüße" in fetch(web.url_for("/meta")).text()


def test_robots_txt_disallow_is_respected_and_fetched_once_per_host(web):
    web.expect_request("/robots.txt").respond_with_data(
        "User-agent: factcheck-bot\nDisallow: /private/\n\nUser-agent: *\nDisallow:\n",
        content_type="text/plain",
    )
    web.expect_request("/private/page").respond_with_data(PAGE, content_type="text/html")
    web.expect_request("/public").respond_with_data(PAGE, content_type="text/html")
    with pytest.raises(RobotsDisallowed, match="robots.txt"):
        fetch(web.url_for("/private/page"))
    assert fetch(web.url_for("/public")).status == 200
    assert fetch(web.url_for("/public")).status == 200
    paths = [request.path for request, _response in web.log]
    assert paths.count("/robots.txt") == 1
    assert "/private/page" not in paths


def test_a_hosts_robots_txt_is_kept_until_its_cached_copy_expires_then_fetched_again(web):
    web.expect_request("/robots.txt").respond_with_data(
        "User-agent: *\nDisallow:\n", content_type="text/plain"
    )
    web.expect_request("/public").respond_with_data(PAGE, content_type="text/html")
    with override_settings(ROBOTS_CACHE_SECONDS=1):
        assert fetch(web.url_for("/public")).status == 200
        web.clear_all_handlers()
        web.expect_request("/robots.txt").respond_with_data(
            "User-agent: *\nDisallow: /public\n", content_type="text/plain"
        )
        web.expect_request("/public").respond_with_data(PAGE, content_type="text/html")
        assert fetch(web.url_for("/public")).status == 200  # the cached rules still apply
        time.sleep(1.2)
        with pytest.raises(RobotsDisallowed):
            fetch(web.url_for("/public"))
    assert [request.path for request, _response in web.log].count("/robots.txt") == 2


def test_a_robots_txt_that_errors_is_treated_as_a_temporary_disallow(web):
    web.expect_request("/robots.txt").respond_with_data("down", status=503)
    web.expect_request("/page").respond_with_data(PAGE, content_type="text/html")
    with pytest.raises(TransientFetchError, match="robots.txt unreachable"):
        fetch(web.url_for("/page"))
