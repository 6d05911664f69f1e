"""Where feeds call other parts of the project (the sources app, the matching rankers).

``http_get``, ``source_for_url`` and ``request_pull`` adapt the sources app (fetcher errors become
:class:`FetchFailed`). ``get_ranker`` uses ``claims.matching`` when it can be imported and otherwise the
interim :class:`claims.feeds.lexical.LexicalRanker` (delete the fallback once matching lands).
"""

import logging
from dataclasses import dataclass

logger = logging.getLogger(__name__)


@dataclass
class HttpResponse:
    """What feeds need of a fetch: status (200 or 304), body, and the validators for the next poll."""

    status: int
    body: bytes
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""
    final_url: str = ""


class FetchFailed(Exception):
    """A fetch that produced no usable response; ``transient`` says whether a retry may succeed."""

    def __init__(self, message: str, *, transient: bool, retry_after: float | None = None):
        super().__init__(message)
        self.transient = transient
        self.retry_after = retry_after


def http_get(url: str, *, etag: str = "", last_modified: str = "") -> HttpResponse:
    """Fetch ``url`` conditionally through the project's fetcher; raise :class:`FetchFailed` on any error.

    Feeds, sitemaps and API answers are XML or JSON, so any content type is accepted; the fetcher's
    SSRF guard, robots.txt (and its Crawl-delay), redirects, size cap and per-host politeness apply as to
    every fetch.
    """
    from sources import fetching, politeness, robots
    from sources.errors import FetchError, HostBusy, InvalidURL
    from sources.urls_normalize import url_host

    try:
        delay = robots.crawl_delay(url)
    except (FetchError, InvalidURL):
        delay = None  # the fetch below raises the same error
    try:
        # The same per-host budget as source pulls: a feed's host is often the host of its items.
        with politeness.host_slot(url_host(url), min_delay=min(delay or 0.0, 60.0)):
            result = fetching.fetch(url, etag=etag, last_modified=last_modified, any_content_type=True)
    except HostBusy as exc:
        raise FetchFailed(str(exc), transient=True, retry_after=exc.wait) from None
    except FetchError as exc:
        raise FetchFailed(exc.reason, transient=exc.transient, retry_after=exc.retry_after) from None
    except InvalidURL as exc:
        raise FetchFailed(str(exc), transient=False) from None
    return HttpResponse(
        status=result.status,
        body=result.body,
        content_type=result.content_type,
        etag=result.etag,
        last_modified=result.last_modified,
        final_url=result.final_url,
    )


def source_for_url(url: str):
    """Return the Source for ``url`` (normalized; created if new); None when it cannot be fetched."""
    from sources.errors import InvalidURL
    from sources.services import source_for_url as real

    try:
        return real(url)
    except InvalidURL:
        return None


def request_pull(source_ids: list[int]) -> None:
    """Queue pulls of these sources; the pipeline announces new content with ``snapshot_changed``."""
    from sources.services import request_pull as real

    real(source_ids)


def get_ranker():
    """Return the claim matching ranker (``claims.matching``) or the local lexical stand-in."""
    try:
        from claims.matching import get_ranker as real
    except ImportError:
        from claims.feeds.lexical import LexicalRanker

        return LexicalRanker()
    from django.db.models import Q

    from claims.models import Claim

    # Indexed per call from the database (cannot drift); a shared index kept in step with the claims
    # table replaces this once claim matching is wired to the database.
    ranker = real()
    claims = Claim.objects.exclude(
        status__in=[Claim.Status.CANDIDATE, Claim.Status.DISMISSED, Claim.Status.DUPLICATE]
    ).exclude(Q(text="") & Q(restatement=""))
    ranker.index(
        (claim.pk, f"{claim.restatement} {claim.text}".strip())
        for claim in claims.only("pk", "text", "restatement")
    )
    return ranker
