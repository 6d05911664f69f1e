"""Errors raised by the sources app; each carries a readable reason stored on the source."""


class InvalidURL(ValueError):
    """The text is not an http(s) URL that can be fetched (bad scheme, no host, bad port...)."""


class FetchError(Exception):
    """A fetch did not produce a usable document; ``reason`` is recorded on the source."""

    #: True when trying again later may succeed (timeouts, connection errors, 429, 5xx).
    transient = False
    #: What went wrong, as a ``Source.Failure`` value (``sources.failures`` words it for editors).
    kind = "other"

    def __init__(
        self,
        reason: str,
        *,
        status: int | None = None,
        retry_after: float | None = None,
        kind: str | None = None,
    ):
        super().__init__(reason)
        self.reason = reason
        self.status = status
        self.retry_after = retry_after
        self.kind = kind or self.kind


class BlockedURL(FetchError):
    """The URL points at an address or port the fetcher must never reach (the SSRF guard).

    The reason starts with ``BLOCKED_MARK`` so that texts quoting it (a source's ``last_error``, an
    article's ``analysis_error``) can be shown to callers who are not staff without its detail, which
    names internal hosts and what they resolve to (``redact_blocked``).
    """

    kind = "blocked"

    def __init__(self, reason: str, **kwargs):
        super().__init__(reason if reason.startswith(BLOCKED_MARK) else BLOCKED_MARK + reason, **kwargs)


BLOCKED_MARK = "refused by the address guard: "
BLOCKED_PUBLIC_REASON = "refused by the address guard (the URL does not lead to a public web address)."


def redact_blocked(text: str) -> str:
    """Return ``text`` with an address-guard refusal it quotes (always its tail) replaced by a generic one."""
    at = text.find(BLOCKED_MARK)
    return text if at < 0 else text[:at] + BLOCKED_PUBLIC_REASON


class RobotsDisallowed(FetchError):
    """robots.txt of the host disallows our user agent from fetching this URL."""

    kind = "robots"


class GoneError(FetchError):
    """The server answered 404 or 410: the document is gone."""

    kind = "gone"


class UnsupportedContent(FetchError):
    """The response is of a content type we do not extract (PDF, images, ...)."""

    kind = "unsupported"


class TooLarge(FetchError):
    """The body exceeds ``FETCH_MAX_BYTES`` once decompressed (also how decompression bombs end)."""

    kind = "too_large"


class TooManyRedirects(FetchError):
    """More redirects than the fetcher follows, or a redirect without a usable Location."""

    kind = "redirects"


class PermanentHTTPError(FetchError):
    """A client error other than 404/410/429 (401, 403, 451, ...): retrying will not help soon."""

    kind = "http_error"


class TransientFetchError(FetchError):
    """Timeouts, connection errors, DNS failures, 429 and 5xx: worth retrying with backoff."""

    transient = True
    kind = "connection"


class HostBusy(Exception):
    """The per-host politeness budget is exhausted; try again after ``wait`` seconds."""

    def __init__(self, host: str, wait: float):
        super().__init__(f"{host} is busy; retry in {wait:.1f}s")
        self.host = host
        self.wait = wait
