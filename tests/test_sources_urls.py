import pytest

from sources.errors import InvalidURL
from sources.services import normalize_url, source_for_url


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("HTTP://Example.COM/Path?q=1#section", "http://example.com/Path?q=1"),
        ("https://example.com:443/a", "https://example.com/a"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/a", "http://example.com:8080/a"),
        (
            "https://example.com/a?utm_source=x&id=7&fbclid=abc&UTM_Medium=y&gclid=z",
            "https://example.com/a?id=7",
        ),
        ("https://example.com/search?q=a+b&page=2", "https://example.com/search?q=a+b&page=2"),
        ("https://example.com/a?b=2&a=1", "https://example.com/a?b=2&a=1"),
        ("  https://example.com/with space  ", "https://example.com/with%20space"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("https://example.com./x", "https://example.com/x"),
        ("http://[2001:DB8::1]:8080/", "http://[2001:db8::1]:8080/"),
    ],
)
def test_normalization_keeps_the_document_and_drops_the_noise(given, expected):
    assert normalize_url(given) == expected


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ("ftp://example.com/file", "only http and https"),
        ("javascript:alert(1)", "only http and https"),
        ("example.com/no-scheme", "only http and https"),
        ("http:///no-host", "no host"),
        ("http://example.com:99999/", "port"),
        ("http://user:secret@example.com/", "credentials"),
        ("", "empty"),
        ("http://exa\nmple.com/", "control characters"),
    ],
)
def test_unfetchable_urls_are_refused_with_a_readable_reason(given, message):
    with pytest.raises(InvalidURL, match=message):
        normalize_url(given)


def test_invalid_url_is_a_value_error_so_forms_and_serializers_can_catch_it():
    assert issubclass(InvalidURL, ValueError)


@pytest.mark.django_db
def test_source_for_url_returns_one_source_for_every_spelling_of_a_url():
    first = source_for_url("https://News.example/story?utm_campaign=x#top")
    second = source_for_url("https://news.example/story")
    assert first.pk == second.pk
    assert first.url == "https://news.example/story"
    assert first.domain == "news.example"
    assert first.state == "pending" and first.next_pull_at is not None
