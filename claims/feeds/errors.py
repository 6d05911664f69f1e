"""Errors of the feeds package (parsing and connectors); services record them on the feed."""

from claims.errors import DomainError


class FeedParseError(DomainError):
    """The document is not a usable feed, sitemap or ClaimReview; the message says why."""

    code = "feed_unparseable"
    http_status = 400


class ConnectorError(DomainError):
    """An external lead source (e.g. Fact Check Tools) failed or is not configured."""

    code = "connector_error"
    http_status = 502
