import gzip

import pytest
from django.test import override_settings

from sources.errors import BlockedURL
from sources.fetching import check_url, fetch

pytestmark = pytest.mark.usefixtures("fetch_settings")

PRIVATE_SPELLINGS = [
    "http://10.0.0.1/",
    "http://167772161/",  # 10.0.0.1 as a decimal number
    "http://0x0a000001/",  # ... as hex
    "http://012.0.0.1/",  # 10.0.0.1 with an octal first part
    "http://10.1/",  # short form
    "http://192.168.1.20/",
    "http://172.16.5.4/",
    "http://169.254.169.254/latest/meta-data/",  # cloud metadata
    "http://2852039166/",  # 169.254.169.254 as a decimal number
    "http://100.100.100.200/",  # Alibaba metadata, carrier-grade NAT range
    "http://0.0.0.0/",
    "http://224.0.0.1/",
    "http://240.0.0.1/",
    "http://255.255.255.255/",
    "http://[fd00:ec2::254]/",
    "http://[fe80::1]/",
    "http://[::]/",
    "http://[::ffff:10.0.0.1]/",  # IPv4-mapped IPv6
    "http://[::ffff:a00:1]/",  # the same, in hex
    "http://[::ffff:169.254.169.254]/",
    "http://[2002:a00:1::]/",  # 6to4 wrapping 10.0.0.1
    "http://[ff02::1]/",
]

LOOPBACK_SPELLINGS = [
    "http://127.0.0.1/",
    "http://localhost/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://0177.0.0.1/",
    "http://127.1/",
    "http://[::1]/",
    "http://[::ffff:127.0.0.1]/",
    "http://[0:0:0:0:0:ffff:7f00:1]/",
]


@pytest.mark.parametrize("url", PRIVATE_SPELLINGS)
def test_every_spelling_of_a_private_or_reserved_address_is_refused(url):
    with pytest.raises(BlockedURL):
        check_url(url)


@pytest.mark.parametrize("url", LOOPBACK_SPELLINGS)
def test_every_spelling_of_loopback_is_refused_unless_loopback_is_explicitly_allowed(url):
    with override_settings(FETCH_ALLOW_LOOPBACK=False), pytest.raises(BlockedURL, match="loopback"):
        check_url(url)


def test_loopback_setting_lets_tests_reach_their_local_server():
    with override_settings(FETCH_ALLOWED_PORTS=[80]):
        check_url("http://127.0.0.1/")


def test_ports_other_than_the_allowed_ones_are_refused():
    with override_settings(FETCH_ALLOWED_PORTS=[80, 443]), pytest.raises(BlockedURL, match="port 6379"):
        check_url("http://127.0.0.1:6379/")


def test_schemes_other_than_http_are_refused():
    with pytest.raises(BlockedURL, match="scheme"):
        check_url("file:///etc/passwd")


def test_production_settings_allow_only_the_standard_ports():
    from factcheck import settings as production

    assert production.FETCH_ALLOWED_PORTS == [80, 443]


def test_a_redirect_to_a_forbidden_address_is_refused_without_contacting_it(web):
    web.expect_request("/hop").respond_with_data(
        "", status=302, headers={"Location": "http://169.254.169.254/"}
    )
    with pytest.raises(BlockedURL, match="169.254.169.254"):
        fetch(web.url_for("/hop"))


def test_a_redirect_to_the_metadata_address_spelled_in_hex_is_refused(web):
    web.expect_request("/hop").respond_with_data(
        "", status=301, headers={"Location": "http://0xa9fea9fe/latest"}
    )
    with pytest.raises(BlockedURL, match="169.254.169.254"):
        fetch(web.url_for("/hop"))


def test_a_redirect_to_another_scheme_is_refused(web):
    web.expect_request("/hop").respond_with_data("", status=302, headers={"Location": "file:///etc/passwd"})
    with pytest.raises(BlockedURL, match="cannot be fetched"):
        fetch(web.url_for("/hop"))


def test_the_connection_goes_to_the_checked_address_with_the_original_host_header(web):
    seen = {}

    def handler(request):
        from werkzeug import Response

        seen["host"] = request.headers["Host"]
        return Response("<p>ok</p>", content_type="text/html")

    web.expect_request("/pinned").respond_with_handler(handler)
    url = f"http://localhost:{web.port}/pinned"
    assert fetch(url).status == 200
    assert seen["host"] == f"localhost:{web.port}"


def test_gzip_bomb_is_refused_as_too_large(web):
    from sources.errors import TooLarge

    bomb = gzip.compress(b"\0" * (50 * 1024 * 1024), compresslevel=9)
    assert len(bomb) < 100_000
    web.expect_request("/bomb").respond_with_data(
        bomb, content_type="text/html", headers={"Content-Encoding": "gzip"}
    )
    with override_settings(FETCH_MAX_BYTES=1024 * 1024), pytest.raises(TooLarge, match="decompressed"):
        fetch(web.url_for("/bomb"))
