"""The address guard for webhook URLs: exactly the fetcher's (``sources.ssrf.check_url``).

Webhooks reach other people's servers at addresses staff type in; the same rules as fetching keep them
from reaching the inside (private, loopback, link-local, metadata addresses; ports outside
``FETCH_ALLOWED_PORTS``). The check is repeated at connect time by requests-hardened's IP filter
(``claims.webhooks.delivery``), so a DNS answer that changes in between (rebinding) is refused too.
"""

from sources.errors import BlockedURL, InvalidURL, TransientFetchError
from sources.ssrf import check_url


class UnsafeURL(ValueError):
    """The URL may never receive webhooks; the message says why."""


class UnresolvableURL(ValueError):
    """The host does not resolve now; it may later (a retryable condition)."""


def check_delivery_url(url: str) -> None:
    """Return if ``url`` may receive webhooks; raise UnsafeURL (refused) or UnresolvableURL (DNS)."""
    try:
        check_url(url)
    except (BlockedURL, InvalidURL) as exc:
        raise UnsafeURL(str(exc)) from exc
    except TransientFetchError as exc:
        raise UnresolvableURL(str(exc)) from exc
